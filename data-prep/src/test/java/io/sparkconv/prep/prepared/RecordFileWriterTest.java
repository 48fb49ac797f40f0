package io.sparkconv.prep.prepared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkconv.testing.SharedSparkSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Files the job writes itself read back through Spark exactly as a DataFrame of RecordSchema would. */
@ExtendWith(SharedSparkSession.class)
class RecordFileWriterTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + seed);
        }
        return p;
    }

    @Test
    void sparkReadsTheRecordsWithTheDeclaredSchema(SparkSession spark) throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("split=train/part-0.parquet").toUri());
        List<PreparedRecord> written = List.of(
                new PreparedRecord("shirt/1.jpg", 6, 2, 3, 2, 4, pixels(24, 1)),
                new PreparedRecord("bag/ü 2.png", 8, 0, 1, 3, 3, pixels(9, 2)));
        try (RecordFileWriter w = RecordFileWriter.create(file, new Configuration(), CompressionCodecName.UNCOMPRESSED)) {
            for (PreparedRecord r : written) {
                w.write(r);
            }
            assertEquals(2, w.records());
        }

        // no schema given: Spark takes it from the file's footer (file sources read every column nullable)
        List<Row> rows = spark.read().parquet(dir.toString()).orderBy(RecordSchema.KEY).collectAsList();
        assertEquals(RecordSchema.SCHEMA.asNullable(), spark.read().parquet(dir.toString()).schema());
        assertEquals(2, rows.size());
        for (Row row : rows) {
            PreparedRecord r = written.get(row.getString(0).startsWith("bag") ? 1 : 0);
            assertEquals(r.key(), row.getString(0));
            assertEquals(r.label(), row.getInt(1));
            assertEquals(r.fold(), row.getInt(2));
            assertEquals(r.height(), row.getInt(3));
            assertEquals(r.width(), row.getInt(4));
            assertEquals(r.channels(), row.getInt(5));
            assertArrayEquals(r.pixels(), (byte[]) row.get(6));
            assertEquals("train", row.getString(7));
        }
    }

    /** A writer holds a row group in memory until it is full: parquet.block.size caps it. */
    @Test
    void rowGroupsFollowParquetBlockSize() throws IOException {
        Configuration small = new Configuration();
        small.setLong("parquet.block.size", 64 << 10);
        // parquet-hadoop checks the size every 100 records at the most often: 400 images of 12 KB
        // make 4 groups under a 64 KB limit, where the default limit holds them all in one
        assertEquals(4, rowGroups("small.parquet", small));
        assertEquals(1, rowGroups("default.parquet", new Configuration()));
    }

    private int rowGroups(String name, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
        try (RecordFileWriter w = RecordFileWriter.create(file, conf, CompressionCodecName.UNCOMPRESSED)) {
            for (int i = 0; i < 400; i++) {
                w.write(new PreparedRecord("k" + i, 0, 0, 3, 64, 64, pixels(3 * 64 * 64, i)));
            }
        }
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            assertEquals(400, r.getRecordCount());
            return r.getFooter().getBlocks().size();
        }
    }

    @Test
    void pixelsCarryNoStatisticsAndTheCodecIsTheOneAskedFor() throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("z.parquet").toUri());
        Configuration conf = new Configuration();
        try (RecordFileWriter w = RecordFileWriter.create(file, conf, CompressionCodecName.ZSTD)) {
            w.write(new PreparedRecord("a", 0, 0, 1, 2, 2, pixels(4, 0)));
        }
        ParquetMetadata footer;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            footer = r.getFooter();
        }
        for (ColumnChunkMetaData c : footer.getBlocks().get(0).getColumns()) {
            assertEquals(CompressionCodecName.ZSTD, c.getCodec(), c.getPath().toString());
            if (c.getPath().toDotString().equals(RecordSchema.PIXELS)) {
                assertEquals(false, c.getStatistics().hasNonNullValue(), "no min/max of pixel bytes");
            }
        }
        // the file exists: a second writer must not replace it
        assertThrows(IOException.class, () -> RecordFileWriter.create(file, conf, CompressionCodecName.ZSTD));
    }
}
