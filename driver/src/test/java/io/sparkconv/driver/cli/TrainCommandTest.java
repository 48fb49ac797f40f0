package io.sparkconv.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.testing.SharedSparkSession;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end on a real slice of Fashion-MNIST written out as IDX files, through
 * the default path: Spark in local mode (the test JVM's shared session).
 */
@ExtendWith(SharedSparkSession.class)
class TrainCommandTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();

    @TempDir
    static Path data;

    @BeforeAll
    static void writeSlice() throws IOException {
        FashionSlice.write(data, 3000, 1000);
    }

    private static Path config(Path dir, String extra) throws IOException {
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.1}\n"
                + "training:\n  epochs: 3\n  batch_size: 50\n  seed: 7\n  sgd: {lr: 0.01, momentum: 0.9, l2: 5.0e-4}\n"
                + extra);
        return conf;
    }

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
    void aHopelessLocalRunStopsAndItsModelSaysHowFarItGot(@TempDir Path dir) throws IOException {
        // lr 1e-9 leaves the net at chance after its first epoch; the rule stops the run there instead of after 3.
        Path conf = dir.resolve("hopeless.yaml");
        Files.writeString(conf, Files.readString(config(dir, "").resolveSibling("train.yaml"))
                .replace("lr: 0.01", "lr: 1.0e-9").replace("  seed: 7\n", "  seed: 7\n  stop_hopeless_after: 1\n"));
        Path out = dir.resolve("run");
        String[] r = run("train", "--conf", conf.toString(), "--out", out.toString(), "--master", "none",
                "--backend", "java", "--threads", "1");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("stopping after epoch 1: the run is hopeless"), r[1]);
        var model = io.sparkconv.driver.checkpoint.Checkpoint.latest(out.resolve("model").toUri().toString()).orElseThrow();
        assertEquals(1, model.header().epoch());
        assertEquals(1, model.header().trainLoss().size());
        assertEquals("hopeless", new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("stop").asText());
    }

    /**
     * A loss that stops being finite stops the run at that step, in this process and on Spark alike:
     * one line naming the epoch and step, exit code 1, no summary, and the checkpoint before it kept.
     */
    @Test
    void aDivergingRunStopsAtThatStepWithOneLineAndExitCode1(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("diverging.yaml");
        Files.writeString(conf, Files.readString(config(dir, "distributed: {checkpoint_every: 1}\n").resolveSibling("train.yaml"))
                .replace("lr: 0.01", "lr: 1000000.0"));
        for (String master : new String[] {"none", "local[2]"}) {
            Path out = dir.resolve("run-" + master.length());
            String[] r = run("train", "--conf", conf.toString(), "--out", out.toString(), "--master", master);
            assertEquals("1", r[0], master + ": " + r[1] + r[2]);
            var lines = r[2].lines().filter(l -> l.startsWith("sparkconv: ")).toList();
            assertEquals(1, lines.size(), r[2]);
            assertTrue(lines.get(0).matches("sparkconv: training diverged: the training loss is (NaN|-?Infinity) at epoch 1,"
                    + " step \\d+ of \\d+; the last finite checkpoint \\(epoch 0, step \\d+\\) is kept in .*"), lines.get(0));
            assertFalse(r[2].contains("\tat "), "no stack trace");
            assertFalse(Files.exists(out.resolve("summary.json")), master + ": no summary of a run that failed");
            var kept = io.sparkconv.driver.checkpoint.Checkpoint.latest(out.resolve("checkpoints").toUri().toString()).orElseThrow();
            for (float p : kept.params()) {
                assertTrue(Float.isFinite(p), "the kept checkpoint is finite");
            }
        }
    }

    /**
     * A run without Spark, stopped mid-epoch (at global step 66: its last checkpoint is epoch 2, step
     * 7) and resumed with --resume, ends with the same parameters, bit for bit, and the same
     * per-epoch losses as one that ran through.
     */
    @Test
    void aLocalRunResumedMidEpochEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Path conf = config(dir, "distributed: {master: none, checkpoint_every: 7}\n");
        Path through = dir.resolve("through");
        Path resumed = dir.resolve("resumed");
        assertEquals("0", run("train", "--conf", conf.toString(), "--epochs", "2", "--out", through.toString())[0]);
        String[] r;
        System.setProperty(io.sparkconv.driver.train.FaultInjection.FAIL, "66");
        try {
            r = run("train", "--conf", conf.toString(), "--epochs", "2", "--out", resumed.toString());
        } finally {
            System.clearProperty(io.sparkconv.driver.train.FaultInjection.FAIL);
        }
        assertEquals("1", r[0], r[2]);
        var mid = io.sparkconv.driver.checkpoint.Checkpoint.latest(resumed.resolve("checkpoints").toUri().toString()).orElseThrow();
        assertEquals(1, mid.header().epoch());
        assertEquals(7, mid.header().step(), "a mid-epoch checkpoint");
        r = run("train", "--resume", resumed.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("resuming at epoch 2 step 7"), r[1]);
        var a = io.sparkconv.driver.checkpoint.Checkpoint.latest(through.resolve("model").toUri().toString()).orElseThrow();
        var b = io.sparkconv.driver.checkpoint.Checkpoint.latest(resumed.resolve("model").toUri().toString()).orElseThrow();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.params(), b.params(), "parameters");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.velocity(), b.velocity(), "momentum");
        assertEquals(a.header().trainLoss(), b.header().trainLoss(), "the resumed epoch's mean loss");
        assertEquals(a.header().valAccuracy(), b.header().valAccuracy());
    }

    @Test
    void trainWritesASummaryWithTheResolvedConfig(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        String[] r = run("train", "--conf", config(dir, "").toString(), "--epochs", "2", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(2, s.get("epochs").asInt());
        assertEquals(2, s.get("val_accuracy").size());
        assertEquals(2, s.get("train_loss").size());
        assertTrue(s.get("train_loss").get(1).asDouble() < s.get("train_loss").get(0).asDouble(), "loss falls");
        // 3,000 images and two epochs of LeNet already beat chance (0.1) by far.
        assertTrue(s.get("test_accuracy").asDouble() > 0.6, "test accuracy " + s.get("test_accuracy"));
        assertEquals(1000, s.get("test_images").asInt());
        assertEquals(3000, s.get("train_images").asInt() + s.get("validation_images").asInt());
        // auto: the native backend wherever it loads (CI included), else the Java one
        assertEquals(io.sparkconv.kernels.onednn.OneDnn.available() ? "onednn" : "java", s.get("backend").asText());
        assertEquals("fp32", s.get("precision").asText(), "the default precision");
        assertEquals(io.sparkconv.kernels.onednn.OneDnn.available() ? io.sparkconv.kernels.onednn.OneDnn.isa().name() : "no oneDNN",
                s.get("isa").asText());
        assertTrue(s.get("images_per_second").asDouble() > 0);
        assertTrue(s.get("wall_seconds").asDouble() > 0);
        JsonNode config = s.get("config");
        assertEquals(7, config.get("training").get("seed").asInt());
        assertEquals(2, config.get("training").get("epochs").asInt(), "the override is in the resolved config");
        assertEquals("lenet", config.get("net").get("name").asText(), "the net is inlined");
        assertTrue(r[1].contains("test accuracy"), r[1]);
        assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"type\":\"epoch\""), "metrics written");
        try (var model = Files.list(out.resolve("model"))) {
            assertEquals(1, model.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+\\.bin")).count(),
                    "the final model is saved");
        }
    }

    @Test
    void sameSeedSameRun(@TempDir Path dir) throws IOException {
        Path conf = config(dir, "");
        run("train", "--conf", conf.toString(), "--epochs", "1", "--out", dir.resolve("a").toString());
        run("train", "--conf", conf.toString(), "--epochs", "1", "--out", dir.resolve("b").toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(dir.resolve("a/summary.json").toFile());
        JsonNode b = json.readTree(dir.resolve("b/summary.json").toFile());
        assertEquals(a.get("train_loss"), b.get("train_loss"));
        assertEquals(a.get("test_accuracy"), b.get("test_accuracy"));
    }

    @Test
    void unknownConfigKeyFailsBeforeAnyWorkNamingFileLineAndField(@TempDir Path dir) throws IOException {
        Path conf = config(dir, "  learning_rate: 0.1\n");
        Path out = dir.resolve("never");
        String[] r = run("train", "--conf", conf.toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(conf + ":8: training.learning_rate"), r[2]);
        assertTrue(r[2].contains("training") && r[2].contains("unknown key 'learning_rate'"), r[2]);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void augmentedRunOnASmallerCropTrainsInThisProcessAndRecordsTheAugmentSection(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("crop.yaml");
        Files.writeString(conf, "net:\n  name: tiny\n  input: {channels: 1, height: 24, width: 24}\n  layers:\n"
                + "    - {type: conv, filters: 8, kernel: 5}\n    - {type: relu}\n    - {type: maxpool, kernel: 2}\n"
                + "    - {type: dense, units: 10}\n    - {type: softmax}\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.1}\n"
                + "augment: {crop: 24, pad: 1, flip: true, mean: per_pixel, std: true, eval: ten_crop}\n"
                + "training: {epochs: 2, batch_size: 50, seed: 3, sgd: {lr: 0.01}}\n");
        Path out = dir.resolve("run");
        String[] r = run("train", "--conf", conf.toString(), "--master", "none", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode augment = s.get("config").get("augment");
        assertEquals(24, augment.get("crop").asInt());
        assertEquals("ten_crop", augment.get("eval").asText());
        assertEquals("per_pixel", augment.get("mean").asText());
        // 2,700 images, two epochs of a one-conv net on 24x24 crops: far above chance (0.1).
        assertTrue(s.get("test_accuracy").asDouble() > 0.5, "test accuracy " + s.get("test_accuracy"));
    }

    @Test
    void unknownAugmentKeyFailsBeforeAnyWorkNamingFileLineAndField(@TempDir Path dir) throws IOException {
        Path conf = config(dir, "augment:\n  crop: 28\n  padding: 4\n");
        Path out = dir.resolve("never");
        String[] r = run("train", "--conf", conf.toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(conf + ":10: augment.padding") && r[2].contains("unknown key 'padding'"), r[2]);
        assertFalse(Files.exists(out), "nothing written");
        r = run("train", "--conf", config(dir, "augment: {mean: per_image}\n").toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("augment") && r[2].contains("per_image"), r[2]);
    }

    @Test
    void aCropTheNetDoesNotTakeFailsBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path conf = config(dir, "augment: {crop: 24, pad: 2}\n");
        Path out = dir.resolve("never");
        String[] r = run("train", "--conf", conf.toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(conf + ": augment.crop") && r[2].contains("24x24") && r[2].contains("1x28x28"), r[2]);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void missingDatasetSaysWhatIsMissing(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("c.yaml");
        Files.writeString(conf, "net: " + LENET + "\ndata: {path: " + dir.resolve("nowhere") + "}\n");
        String[] r = run("train", "--conf", conf.toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("train-images-idx3-ubyte") && r[2].contains("nowhere"), r[2]);
    }

    /** auto runs bf16 exactly where this CPU has it natively, in a Spark run (the executors decide) and without Spark. */
    @Test
    void precisionAutoRunsWhatTheCpuHasNatively(@TempDir Path dir) throws IOException {
        String expected = OneDnn.available() && OneDnn.isa().nativeBf16() ? "bf16" : "fp32";
        for (String master : new String[] {"local[2]", "none"}) {
            Path out = dir.resolve(master.equals("none") ? "none" : "spark");
            String[] r = run("train", "--conf", config(dir, "").toString(), "--epochs", "1", "--precision", "auto",
                    "--master", master, "--out", out.toString());
            assertEquals("0", r[0], r[2]);
            JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertEquals(OneDnn.available() ? expected : "fp32", s.get("precision").asText(), master);
            assertEquals(s.get("precision").asText(), s.get("config").get("runtime").get("precision").asText(),
                    "the run records the precision it resolved, so a resume keeps it");
            if (master.startsWith("local") && OneDnn.available()) {
                assertTrue(r[1].contains("executors' oneDNN ISA: " + OneDnn.isa().name() + "; precision " + expected + " (auto)"), r[1]);
            }
        }
    }

    /**
     * bf16 on a CPU without native bf16 (an AVX2 one, as ONEDNN_MAX_CPU_ISA=AVX2 makes oneDNN see this
     * one, in a JVM of its own since oneDNN reads it once): one line naming the ISA, exit code 2,
     * nothing written, with and without Spark.
     */
    @Test
    void bf16WithoutNativeBf16IsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnn.available(), "oneDNN does not load here");
        for (String master : new String[] {"none", "local[1]"}) {
            Path out = dir.resolve("never-" + master.length());
            Path jvmOptions = Path.of("..", "conf", "jvm.options").toAbsolutePath().normalize();
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + jvmOptions, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "train", "--conf", config(dir, "").toString(), "--precision", "bf16", "--master", master,
                    "--out", out.toString());
            pb.environment().put("ONEDNN_MAX_CPU_ISA", "AVX2");
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            pb.redirectErrorStream(false);
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes());
            String stderr = new String(p.getErrorStream().readAllBytes());
            assertEquals(2, p.waitFor(), master + ": " + stdout + stderr);
            java.util.List<String> ours = stderr.lines().filter(l -> l.startsWith("sparkconv: ")).toList();
            assertEquals(1, ours.size(), stderr);
            assertTrue(ours.get(0).contains("precision bf16 needs a CPU with native bf16") && ours.get(0).contains("runs at avx2"),
                    ours.get(0));
            assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
            assertFalse(Files.exists(out.resolve("summary.json")), "nothing written");
        }
    }

    /** Options set the config's keys and are checked as a file's are: a bad value names its key, exit 2. */
    @Test
    void aBadOptionValueNamesItsKey(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("never");
        String[] r = run("train", "--conf", config(dir, "").toString(), "--sync", "rings", "--out", out.toString());
        assertEquals("2", r[0]);
        assertEquals("sparkconv: command line: distributed.sync: sync must be ring or spark, got 'rings'",
                r[2].lines().filter(l -> l.startsWith("sparkconv: ")).findFirst().orElse(r[2]));
        r = run("train", "--conf", config(dir, "").toString(), "--precision", "fp16", "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("runtime.precision: precision must be auto, fp32 or bf16, got 'fp16'"), r[2]);
        assertFalse(Files.exists(out), "nothing written");
    }

    /** describe --conf prints every key, the defaults filled in from their one place. */
    @Test
    void describeConfPrintsTheConfigWithItsDefaults(@TempDir Path dir) throws IOException {
        String[] r = run("describe", "--conf", config(dir, "").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("config, defaults filled in:"), r[1]);
        assertTrue(r[1].contains("batch_size: 50") && r[1].contains("timeout_seconds: 30")
                && r[1].contains("sync: \"ring\"") && r[1].contains("precision: \"fp32\""), r[1]);
    }

    @Test
    void describePrintsShapesAndParameterCounts() {
        String[] r = run("describe", "--net", LENET.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("50x4x4") && r[1].contains("431,080"), r[1]);
        if (OneDnn.available()) {
            assertTrue(r[1].contains("oneDNN ISA here: " + OneDnn.isa().name()), r[1]);
        }
    }
}
