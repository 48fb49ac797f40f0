package io.sparkconv.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkconv prep} end to end through Main, on a slice of Fashion-MNIST in the test JVM's Spark session. */
@ExtendWith(SharedSparkSession.class)
class PrepCommandTest {
    private static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void prepWritesRecordsAndAManifest(@TempDir Path dir) throws Exception {
        Path data = FashionSlice.write(dir.resolve("fashion"), 400, 100);
        Path out = dir.resolve("prepared");
        String[] r = run("prep", "--input", data.toString(), "--out", out.toString(), "--folds", "2",
                "--validation", "0.2", "--partitions", "3");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("prep: images read 500, written 500, rejected 0"), r[1]);
        // cv on this dataset takes its k unless told otherwise; IDX data gets 3
        io.sparkconv.driver.config.DataConfig prepared =
                new io.sparkconv.driver.config.DataConfig(io.sparkconv.driver.config.DataFormat.PREPARED, out.toString(), null, null, null, null);
        assertEquals(2, CvCommand.folds(null, prepared));
        assertEquals(5, CvCommand.folds(5, prepared));
        assertEquals(CvCommand.DEFAULT_FOLDS, CvCommand.folds(null,
                new io.sparkconv.driver.config.DataConfig(io.sparkconv.driver.config.DataFormat.IDX, data.toString(), null, null, null, null)));
        Manifest m = Manifest.read(out.toString(), new Configuration());
        assertEquals("idx", m.source().format());
        assertEquals(100, m.counts().test());
        assertEquals(400, m.counts().train() + m.counts().validation());
        assertEquals(2, m.foldCounts().size());
        assertEquals(3, m.options().partitions());
        assertTrue(Files.isDirectory(out.resolve("records/split=train")));
    }

    @Test
    void userErrorsAreOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        String[] missing = run("prep", "--input", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].startsWith("sparkconv: ") && missing[2].contains("nope: no such folder"), missing[2]);
        assertEquals(1, missing[2].strip().lines().count(), missing[2]);

        String[] channels = run("prep", "--input", dir.toString(), "--out", dir.resolve("o").toString(), "--channels", "2");
        assertEquals("2", channels[0]);
        assertTrue(channels[2].contains("--channels 2"), channels[2]);

        Files.createDirectories(dir.resolve("tree/cat"));
        Files.write(dir.resolve("tree/cat/a.jpg"), new byte[] {1});
        Files.createDirectories(dir.resolve("tree/dog"));
        String[] empty = run("prep", "--input", dir.resolve("tree").toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", empty[0]);
        assertTrue(empty[2].contains("dog") && empty[2].contains("holds no images"), empty[2]);
        assertFalse(Files.exists(dir.resolve("o")));
    }
}
