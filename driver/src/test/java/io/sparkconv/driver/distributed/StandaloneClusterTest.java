package io.sparkconv.driver.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.cli.Main;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster: a master and two workers in their own JVMs on 127.0.0.1, started by
 * submit-scripts/local-cluster from this test JVM's classpath; the training driver is a separate
 * JVM too, as spark-submit would start it.
 */
@ExtendWith(SharedSparkSession.class)
class StandaloneClusterTest {
    static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    static final Path LENET = TOP.resolve("conf/nets/lenet.yaml");
    @TempDir
    static Path root;
    static Path clusterDir;
    static String master;
    static Path data;

    static int run(List<String> command, Path log, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARKCONV_CLUSTER_DIR", clusterDir.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in " + timeoutSeconds + " s; log: " + Files.readString(log));
        }
        return p.exitValue();
    }

    static List<String> classpath(boolean jars) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar") == jars).collect(Collectors.toList());
    }

    @BeforeAll
    static void startCluster() throws Exception {
        data = FashionSlice.write(root.resolve("data"), 1120, 300);
        clusterDir = root.resolve("cluster");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int code = run(List.of("bash", TOP.resolve("submit-scripts/local-cluster").toString(), "start",
                "--workers", "2", "--cores", "1", "--memory", "1g", "--port", Integer.toString(port), "--ttl", "1200",
                "--classpath", String.join(File.pathSeparator, classpath(true))), root.resolve("start.log"), 120);
        assertEquals(0, code, Files.readString(root.resolve("start.log")));
        master = "spark://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterDir != null) {
            run(List.of("bash", TOP.resolve("submit-scripts/local-cluster").toString(), "stop"), root.resolve("stop.log"), 60);
        }
    }

    /** Runs `train` in its own driver JVM against the cluster. */
    static void trainOnCluster(Path conf, Path out, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + TOP.resolve("conf/jvm.options"),
                "-Dlog4j2.configurationFile=" + TOP.resolve("conf/log4j2.properties"),
                // Classes that are directories here (not jars in the workers' SPARK_HOME) reach executors this way.
                "-Dspark.executor.extraClassPath=" + String.join(File.pathSeparator, classpath(false)),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--conf", conf.toString(), "--out", out.toString(),
                "--master", master, "--workers", "2"));
        cmd.addAll(List.of(extra));
        Path log = out.resolveSibling(out.getFileName() + ".log");
        int code = run(cmd, log, 600);
        assertEquals(0, code, Files.readString(log));
    }

    static Path config(Path dir, int epochs, String distributed) throws IOException {
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.1}\n"
                + "training: {epochs: " + epochs + ", batch_size: 49, eval_batch_size: 100, seed: 5,"
                + " sgd: {lr: 0.02, momentum: 0.9, l2: 5.0e-4}}\n"
                + "runtime: {threads: 1}\n"
                + (distributed.isEmpty() ? "" : "distributed: " + distributed + "\n"));
        return conf;
    }

    @Test
    void twoWorkerJvmsEqualOneProcessOverTheSameBatches(@TempDir Path dir) throws Exception {
        Path conf = config(dir, 1, "");
        trainOnCluster(conf, dir.resolve("cluster"));
        assertEquals(0, Main.run("train", "--conf", conf.toString(), "--out", dir.resolve("local").toString(),
                "--master", "none", "--workers", "2"));
        Checkpoint cluster = Checkpoint.latest(dir.resolve("cluster/model").toUri().toString()).orElseThrow();
        Checkpoint local = Checkpoint.latest(dir.resolve("local/model").toUri().toString()).orElseThrow();
        assertEquals(20, cluster.header().globalStep());
        // Same bar and reason as DistributedEqualsLocalTest: float summation order only.
        double difference = DistributedEqualsLocalTest.relativeDifference(local.params(), cluster.params());
        assertTrue(difference < 1e-4, "relative difference " + difference);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("cluster/summary.json").toFile());
        assertEquals(2, summary.get("distributed").get("workers").asInt());
        assertEquals(master, summary.get("distributed").get("master").asText());
    }

    /** Debian's mate-backgrounds: real photographs, JPEG; those under 4 MB are 350 to 2,560 pixels wide. */
    static final Path PHOTOS = Path.of("/usr/share/backgrounds/mate");

    /**
     * The ImageNet-style path end to end on real photos: a folder of JPEGs of every size, prepared at
     * 256 x 256, trained on random 224 crops with mirrors, on this JVM's local session with two
     * workers and on the two-worker cluster: the same batches, so the same parameters to float
     * rounding, and the workers stream their own files.
     */
    @Test
    void realPhotosPreparedAt256TrainOn224CropsOnLocalAndOnTheCluster(@TempDir Path dir, SparkSession spark) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(PHOTOS.resolve("nature")),
                "needs Debian's mate-backgrounds (.ci/run installs it)");
        Path photos = dir.resolve("photos");
        int copies = 6;
        for (String[] cls : new String[][] {{"nature", "nature"}, {"abstract", "other"}, {"desktop", "other"}}) {
            Path into = Files.createDirectories(photos.resolve(cls[1]));
            try (var files = Files.list(PHOTOS.resolve(cls[0]))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".jpg") && f.toFile().length() < 4_000_000).toList()) {
                    for (int c = 0; c < copies; c++) {
                        Files.copy(f, into.resolve(c + "-" + f.getFileName()));
                    }
                }
            }
        }
        String prepared = dir.resolve("prepared").toString();
        Manifest manifest = new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(photos.toString(), prepared).withSize(256).withFractions(0.2, 0.2).withShardRecords(4));
        assertEquals(0, manifest.totals().rejected(), manifest.rejected().toString());
        assertEquals(List.of(3, 256, 256), List.of(manifest.shape().channels(), manifest.shape().height(),
                manifest.shape().width()));
        Path conf = dir.resolve("photos.yaml");
        Files.writeString(conf, """
                net:
                  name: tiny224
                  input: {channels: 3, height: 224, width: 224}
                  layers:
                    - {type: conv, name: conv1, filters: 16, kernel: 11, stride: 4}
                    - {type: relu, name: relu1}
                    - {type: maxpool, name: pool1, kernel: 3, stride: 2}
                    - {type: conv, name: conv2, filters: 16, kernel: 5}
                    - {type: relu, name: relu2}
                    - {type: maxpool, name: pool2, kernel: 2, stride: 2}
                    - {type: dense, name: fc1, units: 2}
                    - {type: softmax, name: loss}
                data: {format: prepared, path: %s, loading: stream}
                augment: {crop: 224, flip: true, mean: per_channel, std: true}
                training: {epochs: 2, batch_size: 8, eval_batch_size: 16, seed: 9, sgd: {lr: 0.005, momentum: 0.9, l2: 5.0e-4}}
                runtime: {threads: 1}
                """.formatted(prepared));
        assertEquals(0, Main.run("train", "--conf", conf.toString(), "--out", dir.resolve("local").toString(),
                "--master", spark.sparkContext().master(), "--workers", "2"));
        trainOnCluster(conf, dir.resolve("cluster"));
        Checkpoint cluster = Checkpoint.latest(dir.resolve("cluster/model").toUri().toString()).orElseThrow();
        Checkpoint local = Checkpoint.latest(dir.resolve("local/model").toUri().toString()).orElseThrow();
        double difference = DistributedEqualsLocalTest.relativeDifference(local.params(), cluster.params());
        assertTrue(difference < 1e-4, "relative difference " + difference);
        for (String run : new String[] {"local", "cluster"}) {
            JsonNode summary = new ObjectMapper().readTree(dir.resolve(run + "/summary.json").toFile());
            assertEquals(manifest.counts().train(), summary.get("train_images").asLong());
            assertEquals(manifest.counts().test(), summary.get("test_images").asLong());
            assertTrue(summary.get("data_feed").get("held").asText().contains("of 2: "), summary.get("data_feed").toString());
            assertTrue(Double.isFinite(summary.get("test_accuracy").asDouble()));
        }
    }

    @Test
    void killingAnExecutorMidRunResumesFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        // 3 epochs of 20 steps, a checkpoint every 5 steps; one executor JVM is killed mid-run.
        Path conf = config(dir, 3, "{checkpoint_every: 5, timeout_seconds: 10}");
        Path out = dir.resolve("cluster");
        Thread killer = new Thread(() -> killOneExecutorAfterACheckpoint(out.resolve("checkpoints")));
        killer.setDaemon(true);
        killer.start();
        trainOnCluster(conf, out);
        killer.join(1_000);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("distributed").get("restarts").asInt() >= 1, summary.get("distributed").toString());
        assertEquals(3, summary.get("train_loss").size());
        assertEquals(60, Checkpoint.latest(out.resolve("model").toUri().toString()).orElseThrow().header().globalStep());
        assertTrue(summary.get("test_accuracy").asDouble() > 0.5, summary.get("test_accuracy").toString());
    }

    @Test
    void foldsOfASearchRunAsOverlappingJobsAndTheTestSplitIsScoredOnce(@TempDir Path dir, SparkSession spark) throws Exception {
        // A small prepared dataset with 3 folds, made by the prep job on this JVM's local session.
        String prepared = dir.resolve("prepared").toString();
        Manifest manifest = new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(data.toString(), prepared).withFolds(3).withPartitions(2));
        Path conf = dir.resolve("cv.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: prepared, path: " + prepared + "}\n"
                + "training: {epochs: 1, batch_size: 49, eval_batch_size: 100, seed: 5,"
                + " sgd: {lr: 0.02, momentum: 0.9, l2: 5.0e-4}}\n"
                + "runtime: {threads: 1}\n");
        Path out = dir.resolve("cv");
        Path home = dir.resolve("home");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + TOP.resolve("conf/jvm.options"),
                "-Dlog4j2.configurationFile=" + TOP.resolve("conf/log4j2.properties"),
                "-Dspark.executor.extraClassPath=" + String.join(File.pathSeparator, classpath(false)),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "cv", "--conf", conf.toString(), "--out", out.toString(), "--master", master,
                "--folds", "3", "--grid", "lr=0.02,0.005", "--stop-hopeless-after", "0"));
        Path log = dir.resolve("cv.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARKCONV_HOME", home.toString());
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cv did not finish in 600 s; log: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), Files.readString(log));

        JsonNode cv = new ObjectMapper().readTree(out.resolve("cv.json").toFile());
        JsonNode trials = cv.get("trials");
        assertEquals(6, trials.size(), cv.toString());
        assertEquals(2, cv.get("parallel").asInt(), "two one-core executors hold two trials at once");
        // Each setting's mean is the mean of its three held-out fold scores.
        for (JsonNode setting : cv.get("settings")) {
            double lr = setting.get("setting").get("lr").asDouble();
            double sum = 0;
            int n = 0;
            for (JsonNode t : trials) {
                if (t.get("setting").get("lr").asDouble() == lr) {
                    sum += t.get("score").asDouble();
                    n++;
                }
            }
            assertEquals(3, n);
            assertEquals(sum / 3, setting.get("mean").asDouble(), 1e-12);
        }
        JsonNode ranked = cv.get("settings");
        assertTrue(ranked.get(0).get("mean").asDouble() >= ranked.get(1).get("mean").asDouble());
        assertEquals(ranked.get(0).get("setting"), cv.get("best").get("setting"));
        assertTrue(cv.get("best").get("test_accuracy").asDouble() > 0.3, cv.get("best").toString());
        // The retrain learned from training + validation data: all 1,120 training files.
        assertEquals(1120, cv.get("best").get("train_images").asInt());
        assertEquals(manifest.counts().test(), cv.get("best").get("test_images").asLong());
        assertEquals(1, cv.get("test_split").get("uses").asInt());
        assertEquals(1, Files.readAllLines(home.resolve("test-uses.jsonl")).size());

        // Spark's own job times show trials of different folds running at the same time.
        boolean overlap = false;
        for (JsonNode a : trials) {
            for (JsonNode b : trials) {
                if (a.get("fold").asInt() == b.get("fold").asInt()) {
                    continue;
                }
                for (JsonNode ja : a.get("jobs")) {
                    for (JsonNode jb : b.get("jobs")) {
                        overlap |= ja.get("start_millis").asLong() < jb.get("end_millis").asLong()
                                && jb.get("start_millis").asLong() < ja.get("end_millis").asLong();
                    }
                }
            }
        }
        assertTrue(overlap, "no two folds' jobs overlapped: " + trials);
        for (JsonNode t : trials) {
            assertTrue(t.get("jobs").size() >= 1 && t.get("jobs").get(0).get("succeeded").asBoolean(), t.toString());
        }
    }

    private static void killOneExecutorAfterACheckpoint(Path checkpoints) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (var files = Files.exists(checkpoints) ? Files.list(checkpoints) : java.util.stream.Stream.<Path>empty()) {
                boolean some = files.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint-"));
                if (some) {
                    ProcessHandle.allProcesses()
                            .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")
                                    && c.contains(clusterDir.toString())).orElse(false))
                            .findFirst()
                            .ifPresent(ProcessHandle::destroyForcibly);
                    return;
                }
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }
}
