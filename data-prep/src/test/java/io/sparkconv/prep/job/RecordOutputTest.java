package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's commit: only the attempts Spark reported are published, and a failed job leaves nothing. */
class RecordOutputTest {
    @TempDir
    Path dir;

    private static void touch(Path attempt, String file, String text) throws IOException {
        Path p = attempt.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void commitPublishesTheReportedAttemptsAndDropsTheRest() throws IOException {
        Path records = dir.resolve("records");
        RecordOutput out = new RecordOutput(records.toUri().toString(), "job1", CompressionCodecName.UNCOMPRESSED, 1000);
        String train0 = out.fileOf(0, Split.TRAIN, 0);
        String test0 = out.fileOf(0, Split.TEST, 0);
        String train1 = out.fileOf(1, Split.TRAIN, 0);
        assertEquals("split=train/part-00000-00000-job1.parquet", train0);
        // partition 0 failed once (attempt 0 left a file behind), then succeeded as attempt 1
        touch(Path.of(out.attemptDir(0, 0).toUri()), train0, "stale");
        touch(Path.of(out.attemptDir(0, 1).toUri()), train0, "p0 train");
        touch(Path.of(out.attemptDir(0, 1).toUri()), test0, "p0 test");
        touch(Path.of(out.attemptDir(1, 0).toUri()), train1, "p1 train");

        out.commit(List.of(new TaskFiles(0, 1, new String[] {train0, test0}, new long[] {1, 1}, new long[2][]),
                new TaskFiles(1, 0, new String[] {train1}, new long[] {1}, new long[1][])), new Configuration());

        assertEquals(List.of("_SUCCESS", test0, train0, train1), tree(records));
        assertEquals("p0 train", Files.readString(records.resolve(train0)));
        assertEquals("p1 train", Files.readString(records.resolve(train1)));
        assertFalse(Files.exists(records.resolve("_temporary")));
    }

    @Test
    void aCommitThatCannotFindAFileRemovesEverything() throws IOException {
        Path records = dir.resolve("records");
        RecordOutput out = new RecordOutput(records.toUri().toString(), "job2", CompressionCodecName.SNAPPY, 1000);
        String train0 = out.fileOf(0, Split.TRAIN, 0);
        assertTrue(train0.endsWith(".snappy.parquet"), train0);
        touch(Path.of(out.attemptDir(0, 0).toUri()), train0, "p0");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> out.commit(
                List.of(new TaskFiles(0, 0, new String[] {train0}, new long[] {1}, new long[1][]),
                        new TaskFiles(1, 0, new String[] {"split=train/gone"}, new long[] {1}, new long[1][])),
                new Configuration()));
        assertTrue(e.getMessage().contains("gone"), e.getMessage());
        assertFalse(Files.exists(records), "a failed commit leaves no partial records folder");
    }
}
