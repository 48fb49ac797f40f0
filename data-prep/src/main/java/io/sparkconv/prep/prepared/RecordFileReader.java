package io.sparkconv.prep.prepared;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one Parquet file of prepared records straight into an {@link ImageSet}, with parquet-hadoop
 * and no SparkSession (training workers run inside Spark tasks, the single-process trainer without
 * Spark). Each column value goes from the page into the set's arrays as it is decoded: no row
 * object per record, so a file reads several times faster than through parquet's example Groups,
 * which matters because a streaming run reads its files again every epoch.
 */
public final class RecordFileReader {
    private RecordFileReader() {}

    /**
     * The records of {@code file} whose fold {@code keep} accepts, in file order.
     *
     * @param expected at most this many are kept (what the manifest counts), the arrays' size
     * @throws IOException naming the file when a record is not of {@code shape}, or a label is out of range
     */
    public static ImageSet read(Path file, Configuration conf, String name, Shape shape, int classes, int expected,
                                IntPredicate keep) throws IOException {
        Sink sink = new Sink(file.toString(), shape, classes, expected, keep);
        // Not ParquetReader.builder(support, path): it builds a fresh Configuration per file, and
        // parsing Hadoop's default XML again was two thirds of a 1,000-record file's read time.
        try (ParquetReader<Object> reader = new Builder(HadoopInputFile.fromPath(file, conf), sink).build()) {
            while (reader.read() != null) {
                if (sink.failure != null) {
                    throw new IOException(sink.failure);
                }
            }
        }
        if (sink.failure != null) {
            throw new IOException(sink.failure);
        }
        int n = sink.kept;
        return new ImageSet(name, shape, classes, n == expected ? sink.pixels : Arrays.copyOf(sink.pixels, n * shape.size()),
                Arrays.copyOf(sink.labels, n), Arrays.copyOf(sink.keys, n));
    }

    /** A reader of one file on its HadoopInputFile's configuration. */
    private static final class Builder extends ParquetReader.Builder<Object> {
        private final Sink sink;

        Builder(HadoopInputFile file, Sink sink) {
            super(file);
            this.sink = sink;
        }

        @Override
        protected ReadSupport<Object> getReadSupport() {
            return new Support(sink);
        }
    }

    private static final class Support extends ReadSupport<Object> {
        private final Sink sink;

        Support(Sink sink) {
            this.sink = sink;
        }

        @Override
        public ReadContext init(InitContext context) {
            return new ReadContext(RecordFileWriter.PARQUET_SCHEMA);
        }

        @Override
        public RecordMaterializer<Object> prepareForRead(Configuration conf, Map<String, String> metadata,
                                                         MessageType fileSchema, ReadContext context) {
            return new RecordMaterializer<>() {
                @Override
                public Object getCurrentRecord() {
                    return Boolean.TRUE; // the record went into the sink's arrays
                }

                @Override
                public GroupConverter getRootConverter() {
                    return sink;
                }
            };
        }
    }

    /** Receives one record's fields in schema order (key, label, fold, height, width, channels, pixels). */
    private static final class Sink extends GroupConverter {
        final String file;
        final Shape shape;
        final int classes;
        final int capacity;
        final IntPredicate keep;
        final byte[] pixels;
        final int[] labels;
        final String[] keys;
        int kept;
        String failure;
        private String key;
        private int label;
        private int fold;
        private int height;
        private int width;
        private int channels;
        private final Converter[] fields;

        Sink(String file, Shape shape, int classes, int capacity, IntPredicate keep) {
            this.file = file;
            this.shape = shape;
            this.classes = classes;
            this.capacity = capacity;
            this.keep = keep;
            this.pixels = new byte[Math.multiplyExact(capacity, shape.size())];
            this.labels = new int[capacity];
            this.keys = new String[capacity];
            this.fields = new Converter[] {
                new PrimitiveConverter() {
                    @Override
                    public void addBinary(Binary value) {
                        key = value.toStringUsingUTF8();
                    }
                },
                integer(v -> label = v),
                integer(v -> fold = v),
                integer(v -> height = v),
                integer(v -> width = v),
                integer(v -> channels = v),
                new PrimitiveConverter() {
                    @Override
                    public void addBinary(Binary value) {
                        pixels(value);
                    }
                },
            };
        }

        private static PrimitiveConverter integer(java.util.function.IntConsumer into) {
            return new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    into.accept(value);
                }
            };
        }

        private void pixels(Binary value) {
            if (failure != null || !keep.test(fold)) {
                return;
            }
            if (channels != shape.channels() || height != shape.height() || width != shape.width()
                    || value.length() != shape.size()) {
                failure = file + ": record " + key + " is " + channels + "x" + height + "x" + width + " (" + value.length()
                        + " bytes); the manifest says " + shape;
                return;
            }
            if (label < 0 || label >= classes) {
                failure = file + ": record " + key + " has label " + label + "; the manifest lists " + classes + " classes";
                return;
            }
            if (kept == capacity) {
                failure = file + " holds more than the " + capacity + " records the manifest says (was it changed since prep?)";
                return;
            }
            ByteBuffer bytes = value.toByteBuffer();
            bytes.get(pixels, kept * shape.size(), shape.size());
            labels[kept] = label;
            keys[kept] = key;
            kept++;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {}

        @Override
        public void end() {}
    }
}
