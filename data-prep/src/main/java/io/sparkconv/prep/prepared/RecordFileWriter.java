package io.sparkconv.prep.prepared;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes one Parquet file of {@link PreparedRecord}s with parquet-hadoop directly, in the layout
 * Spark itself writes for {@link RecordSchema#SCHEMA} (the same Parquet schema and the same
 * {@code org.apache.spark.sql.parquet.row.metadata} footer entry), so Spark, parquet-hadoop and
 * pyarrow read the files as they would a DataFrame's.
 *
 * <p>Why not Spark's own writer: for 64 x 64 images it spent a third of the preparation job's CPU
 * turning rows into Spark's internal format and copying each image's pixels out of it again.
 */
public final class RecordFileWriter implements AutoCloseable {
    /** The footer entry Spark reads its schema (nullability included) back from. */
    static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

    /** The Parquet schema Spark derives from {@link RecordSchema#SCHEMA} without the split column. */
    public static final MessageType PARQUET_SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(RecordSchema.KEY)
            .required(PrimitiveTypeName.INT32).named(RecordSchema.LABEL)
            .required(PrimitiveTypeName.INT32).named(RecordSchema.FOLD)
            .required(PrimitiveTypeName.INT32).named(RecordSchema.HEIGHT)
            .required(PrimitiveTypeName.INT32).named(RecordSchema.WIDTH)
            .required(PrimitiveTypeName.INT32).named(RecordSchema.CHANNELS)
            .required(PrimitiveTypeName.BINARY).named(RecordSchema.PIXELS)
            .named("spark_schema");

    /**
     * Row groups of 64 MB unless {@code parquet.block.size} says otherwise: a writer holds its row
     * group in memory until it is full, and a task keeps one writer per split open, so with Spark's
     * 128 MB a 4-core executor could hold 1.5 GB of pixels; readers load whole splits anyway.
     */
    static final long DEFAULT_ROW_GROUP_BYTES = 64L << 20;

    private final ParquetWriter<PreparedRecord> writer;
    private long records;

    private RecordFileWriter(ParquetWriter<PreparedRecord> writer) {
        this.writer = writer;
    }

    /** Creates the file (failing if it exists) compressed with {@code codec}. */
    public static RecordFileWriter create(Path file, Configuration conf, CompressionCodecName codec) throws IOException {
        return create(HadoopOutputFile.fromPath(file, conf), conf, codec);
    }

    /**
     * As {@link #create(Path, Configuration, CompressionCodecName)} on a file system the caller
     * already has: a task writes several files, and an uncached file system (as the job's file://
     * one is) costs an instance per lookup.
     */
    public static RecordFileWriter create(FileSystem fs, Path file, Configuration conf, CompressionCodecName codec)
            throws IOException {
        return create(new FileSystemOutput(fs, fs.makeQualified(file)), conf, codec);
    }

    private static RecordFileWriter create(OutputFile file, Configuration conf, CompressionCodecName codec)
            throws IOException {
        return new RecordFileWriter(new Builder(file)
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(codec)
                .withRowGroupSize(conf.getLong("parquet.block.size", DEFAULT_ROW_GROUP_BYTES))
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                // keys and pixels are unique per record: a dictionary would be built only to be dropped
                .withDictionaryEncoding(RecordSchema.KEY, false)
                .withDictionaryEncoding(RecordSchema.PIXELS, false)
                // nobody filters on pixel bytes: min/max and size statistics of the column would
                // only be a byte-by-byte comparison per image and bytes in the footer
                .withStatisticsEnabled(RecordSchema.PIXELS, false)
                .withSizeStatisticsEnabled(RecordSchema.PIXELS, false)
                .build());
    }

    public void write(PreparedRecord record) throws IOException {
        writer.write(record);
        records++;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /**
     * A file to create on a given file system, as parquet-hadoop's HadoopOutputFile creates it
     * (block size at least the row group, so a row group can stay within one HDFS block), except
     * that HadoopOutputFile looks the file system up for every file.
     */
    private record FileSystemOutput(FileSystem fs, Path path) implements OutputFile {
        private static final int BUFFER_BYTES = 4096;

        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            return open(false, blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            return open(true, blockSizeHint);
        }

        private PositionOutputStream open(boolean overwrite, long blockSizeHint) throws IOException {
            return HadoopStreams.wrap(fs.create(path, overwrite, BUFFER_BYTES, fs.getDefaultReplication(path),
                    Math.max(fs.getDefaultBlockSize(path), blockSizeHint)));
        }

        @Override
        public boolean supportsBlockSize() {
            return true;
        }

        @Override
        public long defaultBlockSize() {
            return fs.getDefaultBlockSize(path);
        }

        @Override
        public String getPath() {
            return path.toString();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<PreparedRecord, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<PreparedRecord> getWriteSupport(Configuration conf) {
            return new RecordWriteSupport();
        }
    }

    private static final class RecordWriteSupport extends WriteSupport<PreparedRecord> {
        private static final String SPARK_SCHEMA_JSON = sparkSchemaJson();
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(PARQUET_SCHEMA, Map.of(SPARK_SCHEMA_KEY, SPARK_SCHEMA_JSON));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(PreparedRecord r) {
            out.startMessage();
            binary(0, RecordSchema.KEY, Binary.fromString(r.key()));
            integer(1, RecordSchema.LABEL, r.label());
            integer(2, RecordSchema.FOLD, r.fold());
            integer(3, RecordSchema.HEIGHT, r.height());
            integer(4, RecordSchema.WIDTH, r.width());
            integer(5, RecordSchema.CHANNELS, r.channels());
            // constant: the decoder hands over a fresh array per image, never touched again
            binary(6, RecordSchema.PIXELS, Binary.fromConstantByteArray(r.pixels()));
            out.endMessage();
        }

        private void integer(int index, String name, int value) {
            out.startField(name, index);
            out.addInteger(value);
            out.endField(name, index);
        }

        private void binary(int index, String name, Binary value) {
            out.startField(name, index);
            out.addBinary(value);
            out.endField(name, index);
        }

        private static String sparkSchemaJson() {
            org.apache.spark.sql.types.StructType stored = new org.apache.spark.sql.types.StructType();
            for (org.apache.spark.sql.types.StructField f : RecordSchema.SCHEMA.fields()) {
                if (!f.name().equals(RecordSchema.SPLIT)) {
                    stored = stored.add(f);
                }
            }
            return stored.json();
        }
    }
}
