package io.sparkconv.driver.report;

import io.sparkconv.driver.json.Json;
import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.prep.prepared.RecordSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Every time a test split was scored by a search, one JSON line: which data (by a fingerprint of
 * the test files, so a copy of the data is the same test set), when, by which run, with what score.
 * A test set looked at twice stops being an unbiased estimate, so a second use warns loudly.
 *
 * <p>It lives in the user's sparkconv home ({@code $SPARKCONV_HOME}, default {@code ~/.sparkconv}),
 * not next to the data, because datasets are often read-only (Debian's Fashion-MNIST is).
 */
public final class TestLedger {
    /** One scoring of a test split. */
    public record Use(String dataset, String fingerprint, String command, String runDir, String time, double accuracy) {}

    private final Path file;

    public TestLedger(Path file) {
        this.file = file;
    }

    /** The ledger of this user: {@code $SPARKCONV_HOME/test-uses.jsonl}, default {@code ~/.sparkconv/}. */
    public static TestLedger forUser() {
        String home = System.getenv("SPARKCONV_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".sparkconv");
        return new TestLedger(dir.resolve("test-uses.jsonl"));
    }

    public Path file() {
        return file;
    }

    /** Earlier uses of the test split with this fingerprint, oldest first. */
    public List<Use> usesOf(String fingerprint) {
        List<Use> uses = new ArrayList<>();
        if (!Files.exists(file)) {
            return uses;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            int[] n = {0};
            lines.forEach(line -> {
                n[0]++;
                if (line.isBlank()) {
                    return;
                }
                try {
                    Use u = Json.MAPPER.readValue(line, Use.class);
                    if (fingerprint.equals(u.fingerprint())) {
                        uses.add(u);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(file + ":" + n[0] + ": not a test-use record: " + e.getMessage(), e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test ledger " + file, e);
        }
        return uses;
    }

    /** Appends one use; an exclusive file lock keeps concurrent searches from interleaving lines. */
    public void record(Use use) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] line = (Json.MAPPER.writeValueAsString(use) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND); var lock = ch.lock()) {
            ch.write(ByteBuffer.wrap(line));
        }
    }

    /**
     * A fingerprint of a dataset's test split: SHA-256 over the test files' names, sizes and first
     * and last 64 KiB (IDX: t10k-*; prepared: the test split's Parquet files), so the same files
     * under another path are recognized as the same test set.
     */
    public static String fingerprint(DataConfig data) throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path dir = data.prepared()
                ? new org.apache.hadoop.fs.Path(data.path(), RecordSchema.RECORDS_DIR + "/" + RecordSchema.SPLIT + "=test")
                : new org.apache.hadoop.fs.Path(Path.of(data.path()).toAbsolutePath().toUri());
        FileSystem fs = dir.getFileSystem(conf);
        List<FileStatus> testFiles = new ArrayList<>();
        if (fs.exists(dir)) {
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                if (st.isFile() && (data.prepared() ? name.endsWith(".parquet") : name.startsWith("t10k-"))) {
                    testFiles.add(st);
                }
            }
        }
        if (testFiles.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no test files to score");
        }
        testFiles.sort(java.util.Comparator.comparing(st -> st.getPath().getName()));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(data.format().word().getBytes(StandardCharsets.UTF_8));
            for (FileStatus st : testFiles) {
                sha.update(st.getPath().getName().getBytes(StandardCharsets.UTF_8));
                long size = st.getLen();
                sha.update(Long.toString(size).getBytes(StandardCharsets.UTF_8));
                int chunk = (int) Math.min(size, 65536);
                byte[] head = new byte[chunk];
                byte[] tail = new byte[chunk];
                try (FSDataInputStream in = fs.open(st.getPath())) {
                    in.readFully(0, head);
                    in.readFully(size - chunk, tail);
                }
                sha.update(head);
                sha.update(tail);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Records that a command scored the test split of {@code data}, and says so when it had been
     * scored before: a banner for commands whose point is the score ({@code cv}, {@code evaluate}), a
     * line for {@code train}, which scores the test split as its last step anyway.
     *
     * @return the earlier uses
     */
    public List<Use> noteUse(DataConfig data, String command, String runDir, double accuracy, PrintStream out,
                             boolean banner) throws IOException {
        String fp = fingerprint(data);
        List<Use> earlier = usesOf(fp);
        record(new Use(data.path(), fp, command, runDir, Instant.now().toString(), accuracy));
        if (!earlier.isEmpty()) {
            out.println(banner ? warning(data.path(), earlier)
                    : String.format("note: this test split has been scored %d time(s) before (ledger %s)", earlier.size(), file));
        }
        return earlier;
    }

    /** The banner printed when a test split is scored again. */
    public static String warning(String dataset, List<Use> earlier) {
        StringBuilder b = new StringBuilder();
        String rule = "!".repeat(78);
        b.append(rule).append('\n');
        b.append("WARNING: the test split of ").append(dataset).append(" has been scored ").append(earlier.size())
                .append(earlier.size() == 1 ? " time" : " times").append(" before:\n");
        for (Use u : earlier) {
            b.append(String.format("  %s  %s  accuracy %.4f  (%s)%n", u.time(), u.command(), u.accuracy(), u.runDir()));
        }
        b.append("Choices made after seeing a test score are fitted to the test set: this score is no longer\n")
                .append("an unbiased estimate. Use a fresh test split (or report every score you looked at).\n");
        b.append(rule);
        return b.toString();
    }
}
