package io.sparkconv.driver.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.cli.Main;
import io.sparkconv.driver.train.FaultInjection;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker that stops answering inside a step, in a real barrier stage on local[2]: its peer's
 * all-reduce times out ({@code timeout_seconds}), the stage fails, and the driver either relaunches
 * the job from the last checkpoint or, out of attempts, fails the run with one clear line. Never a
 * hang (the timeouts below only guard against one; they are minutes, not a performance bar).
 */
@ExtendWith(SharedSparkSession.class)
class StalledWorkerStageTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();
    @TempDir
    static Path root;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        // About 1,010 training images: 20 steps of 50.
        data = FashionSlice.write(root.resolve("data"), 1120, 200);
    }

    private static Path config(Path dir, String distributed) throws IOException {
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.1}\n"
                + "training: {epochs: 1, batch_size: 50, eval_batch_size: 100, seed: 5,"
                + " sgd: {lr: 0.02, momentum: 0.9, l2: 5.0e-4}}\n"
                + "runtime: {threads: 1}\n"
                + "distributed: " + distributed + "\n");
        return conf;
    }

    record Run(int exitCode, String out, String err) {}

    /** The command line in this JVM (local[2]'s executors are this JVM), rank 1 stalling at {@code stall} if given. */
    private static Run train(Path conf, Path out, SparkSession spark, String stall) {
        return train(conf, out, spark, stall, null);
    }

    /** As above, the workers writing down their batches in {@code trace} when it is given. */
    private static Run train(Path conf, Path out, SparkSession spark, String stall, Path trace) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        if (stall != null) {
            System.setProperty(FaultInjection.STALL, stall);
        }
        if (trace != null) {
            System.setProperty(FaultInjection.TRACE, trace.toString());
        }
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run("train", "--conf", conf.toString(), "--out", out.toString(), "--workers=2",
                    "--master=" + spark.sparkContext().master());
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            System.clearProperty(FaultInjection.STALL);
            System.clearProperty(FaultInjection.TRACE);
        }
    }

    @ParameterizedTest(name = "transport {0}")
    @ValueSource(strings = {"auto", "tcp"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aStalledWorkerFailsTheStageAndTheRunResumesFromTheLastCheckpoint(String transport, SparkSession spark,
                                                                         @TempDir Path dir) throws IOException {
        Path conf = config(dir, "{checkpoint_every: 5, timeout_seconds: 2, max_attempts: 3, transport: " + transport + "}");
        Run clean = train(conf, dir.resolve("clean"), spark, null);
        assertEquals(0, clean.exitCode(), clean.err());
        // Rank 1 goes silent at global step 12; the last checkpoint is at step 10.
        Path trace = dir.resolve("trace");
        Run stalled = train(conf, dir.resolve("stalled"), spark, "1:12", trace);
        assertEquals(0, stalled.exitCode(), stalled.err());
        assertTrue(stalled.out().contains("training job failed (attempt 1 of 3): training worker 0 (attempt 0): ring worker 0: no progress for"),
                stalled.out());
        assertTrue(stalled.out().contains("resuming at epoch 1 step 10"), stalled.out());

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("stalled/summary.json").toFile());
        assertEquals(1, summary.get("distributed").get("restarts").asInt(), summary.get("distributed").toString());
        Checkpoint a = Checkpoint.latest(dir.resolve("clean/model").toUri().toString()).orElseThrow();
        Checkpoint b = Checkpoint.latest(dir.resolve("stalled/model").toUri().toString()).orElseThrow();
        assertEquals(20, b.header().globalStep());
        // Resumed from parameters, velocity and position: no step lost or repeated, not a bit changed.
        assertArrayEquals(a.params(), b.params());
        // The resumed epoch's mean train loss covers all 20 steps, the 10 before the checkpoint included
        // (carried in it), not only the 10 after: the same mean up to float rounding of the sums.
        double cleanLoss = a.header().trainLoss().get(0);
        double resumedLoss = b.header().trainLoss().get(0);
        assertEquals(cleanLoss, resumedLoss, 1e-6 * cleanLoss, "train loss of the resumed epoch");
        everyRecordOnceInTheStepsThatCounted(trace, 10, 20, summary.get("train_images").asInt());
    }

    /**
     * The workers' traces of a run that failed at some step and resumed from the checkpoint at
     * {@code resumedAt}: the steps that made the model are the first attempt's before it and the
     * second's from it on; over the K workers they train on every record once, and the steps both
     * attempts ran drew the same records.
     */
    static void everyRecordOnceInTheStepsThatCounted(Path trace, int resumedAt, int steps, int records) throws IOException {
        java.util.Map<Integer, long[]>[][] byRankAttempt = new java.util.Map[2][2];
        for (int rank = 0; rank < 2; rank++) {
            for (int attempt = 0; attempt < 2; attempt++) {
                java.util.Map<Integer, long[]> lines = new java.util.HashMap<>();
                for (String line : Files.readAllLines(trace.resolve("rank-" + rank + "-attempt-" + attempt + ".txt"))) {
                    long[] v = java.util.Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray();
                    lines.put((int) v[1], java.util.Arrays.copyOfRange(v, 2, v.length));
                }
                byRankAttempt[rank][attempt] = lines;
            }
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int rank = 0; rank < 2; rank++) {
            for (int s = 0; s < steps; s++) {
                long[] ids = byRankAttempt[rank][s < resumedAt ? 0 : 1].get(s);
                assertTrue(ids != null, "rank " + rank + " has no batch of step " + s);
                for (long id : ids) {
                    assertTrue(seen.add(id), "record " + id + " trained on twice");
                }
                long[] first = byRankAttempt[rank][0].get(s);
                if (s >= resumedAt && first != null) {
                    assertArrayEquals(first, ids, "step " + s + " of rank " + rank + " in both attempts");
                }
            }
        }
        assertEquals(steps * 50, seen.size());
        assertTrue(records - seen.size() < 50, seen.size() + " of " + records);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void outOfAttemptsTheRunFailsWithOneClearLine(SparkSession spark, @TempDir Path dir) throws IOException {
        Path conf = config(dir, "{timeout_seconds: 2, max_attempts: 1}");
        Run run = train(conf, dir.resolve("out"), spark, "1:3");
        assertEquals(1, run.exitCode(), run.out() + run.err());
        String line = run.err().lines().filter(l -> l.startsWith("sparkconv: ")).findFirst().orElse(run.err());
        assertTrue(line.startsWith("sparkconv: training failed in all 1 attempts (distributed.max_attempts); the last:"
                + " training worker 0 (attempt 0): ring worker 0: no progress for"), line);
        assertTrue(line.contains("from worker 1"), line);
    }
}
