package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.decode.DecodeOptions;
import io.sparkconv.prep.source.SourceChunk;
import io.sparkconv.prep.source.SourceRecord;
import io.sparkconv.prep.split.SplitRule;
import io.sparkconv.testing.SharedSparkSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A task that fails half-way leaves nothing behind; one that succeeds reports exactly what it wrote. */
@ExtendWith(SharedSparkSession.class)
class PrepTaskTest {
    @TempDir
    Path dir;

    /** Grey 4 x 4 records; with {@code failAfter} >= 0 the read fails after that many. */
    record Chunk(int records, int failAfter) implements SourceChunk {
        @Override
        public int size() {
            return records;
        }

        @Override
        public RecordStream open(Configuration conf) {
            return new RecordStream() {
                int next;

                @Override
                public boolean hasNext() {
                    return next < records;
                }

                @Override
                public SourceRecord next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    if (next == failAfter) {
                        throw new UncheckedIOException(new IOException("disk gone at record " + next));
                    }
                    int i = next++;
                    return new SourceRecord.Raw("r" + i, i % 3, false, 1, 4, 4, new byte[16]);
                }

                @Override
                public void close() {}
            };
        }
    }

    private List<TaskFiles> run(SparkSession spark, RecordOutput output, Chunk chunk) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(new Configuration()));
        PrepTally tally = new PrepTally(1, 2);
        spark.sparkContext().register(tally);
        PrepTask task = new PrepTask(conf, new RecordConverter(new DecodeOptions(1, 0)), new SplitRule(0.2, 0.2, 2),
                output, tally, spark.sparkContext().longAccumulator(), spark.sparkContext().longAccumulator());
        return jsc.parallelize(List.<SourceChunk>of(chunk), 1).mapPartitions(task).collect();
    }

    @Test
    void aFailedAttemptRemovesItsFolder(SparkSession spark) throws IOException {
        Path records = dir.resolve("records");
        RecordOutput output = new RecordOutput(records.toUri().toString(), "failing", CompressionCodecName.UNCOMPRESSED, 1000);
        Exception e = assertThrows(Exception.class, () -> run(spark, output, new Chunk(50, 30)));
        assertTrue(String.valueOf(e.getMessage()).contains("disk gone at record 30"), e.getMessage());
        // the attempt had opened its files; the folder of the attempt is gone again
        Path attempts = Path.of(output.attemptDir(0, 0).toUri()).getParent();
        if (Files.exists(attempts)) {
            try (java.util.stream.Stream<Path> left = Files.list(attempts)) {
                assertEquals(List.of(), left.toList(), "attempt folders left");
            }
        }
        output.abort(new Configuration());
        assertFalse(Files.exists(records));
    }

    @Test
    void aSuccessfulAttemptReportsItsFiles(SparkSession spark) throws IOException {
        Path records = dir.resolve("records");
        RecordOutput output = new RecordOutput(records.toUri().toString(), "ok", CompressionCodecName.UNCOMPRESSED, 1000);
        List<TaskFiles> result = run(spark, output, new Chunk(50, -1));
        assertEquals(1, result.size());
        TaskFiles t = result.get(0);
        Path attempt = Path.of(output.attemptDir(t.partition, t.attempt).toUri());
        for (String f : t.files) {
            assertTrue(Files.isRegularFile(attempt.resolve(f)), f);
        }
        // 50 keys over validation 0.2, test 0.2 and train: all three splits are written
        assertEquals(3, t.files.length);
        // two folds: the train file counts its records per fold, the others do not
        SplitRule rule = new SplitRule(0.2, 0.2, 2);
        long[] folds = new long[2];
        for (int i = 0; i < 50; i++) {
            if (rule.split("r" + i, false) == io.sparkconv.prep.split.Split.TRAIN) {
                folds[rule.fold("r" + i, false)]++;
            }
        }
        for (int i = 0; i < t.files.length; i++) {
            if (t.files[i].startsWith("split=train/")) {
                assertArrayEquals(folds, t.foldRecords[i], t.files[i]);
                assertEquals(t.records[i], folds[0] + folds[1]);
            } else {
                assertNull(t.foldRecords[i], t.files[i]);
            }
        }
        output.commit(result, new Configuration());
        assertTrue(Files.exists(records.resolve("_SUCCESS")));
    }
}
