package io.sparkconv.driver.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.driver.cli.Main;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared dataset several times larger than the trainer's whole heap: Fashion-MNIST upscaled to
 * 3 x 128 x 128 (48 KiB an image), 20,000 images, 0.9 GB of training records on disk, trained for
 * an epoch in a JVM of 256 MB. It completes, streaming, and what the heap holds after collections
 * stays within the run's memory budget plus the net's and batches' share.
 */
@ExtendWith(SharedSparkSession.class)
class LargerThanHeapTest {
    static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    static final long HEAP_MB = 256;

    @Test
    void anEpochOnADatasetLargerThanTheHeapCompletesWithinTheBudget(SparkSession spark, @TempDir Path dir) throws Exception {
        Path idx = FashionSlice.write(dir.resolve("idx"), 20_000, 500);
        Path dataset = dir.resolve("prepared");
        Manifest manifest = new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(idx.toString(), dataset.toString()).withSize(128).withChannels(3));
        long trainBytes;
        try (Stream<Path> files = Files.list(dataset.resolve("records/split=train"))) {
            trainBytes = files.filter(f -> f.toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(trainBytes > 3 * (HEAP_MB << 20), "training records on disk: " + trainBytes);

        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, """
                net:
                  name: tiny128
                  input: {channels: 3, height: 128, width: 128}
                  layers:
                    - {type: conv, name: conv1, filters: 8, kernel: 8, stride: 4}
                    - {type: relu, name: relu1}
                    - {type: maxpool, name: pool1, kernel: 2, stride: 2}
                    - {type: dense, name: fc1, units: 10}
                    - {type: softmax, name: loss}
                data: {format: prepared, path: %s, virtual_shards: 8, memory_mb: 96}
                training: {epochs: 1, batch_size: 64, eval_batch_size: 100, seed: 3, sgd: {lr: 0.01, momentum: 0.9, l2: 5.0e-4}}
                runtime: {threads: 2}
                """.formatted(dataset));
        Path out = dir.resolve("run");
        Path log = dir.resolve("train.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + TOP.resolve("conf/jvm.options"), "-Xmx" + HEAP_MB + "m",
                "-Dlog4j2.configurationFile=" + TOP.resolve("conf/log4j2.properties"),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--conf", conf.toString(), "--out", out.toString(), "--master", "none");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARKCONV_HOME", dir.resolve("home").toString());
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("train did not finish in 600 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), Files.readString(log));

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(manifest.counts().train(), summary.get("train_images").asLong());
        assertEquals("completed", summary.get("stop").asText());
        JsonNode feed = summary.get("data_feed");
        System.out.printf("larger than the heap: %,d bytes of training records, heap %d MB: %s, %.0f img/s%n",
                trainBytes, HEAP_MB, feed, summary.get("images_per_second").asDouble());
        assertTrue(feed.get("held").asText().contains("streamed"), feed.toString());
        double maxMb = feed.get("heap_max_mb").asDouble();
        double afterGc = feed.get("heap_after_gc_mb").asDouble();
        assertTrue(maxMb <= HEAP_MB, feed.toString());
        // The streams' budget (96 MB) and the net, its three batch buffers (12 MB each) and
        // evaluation's, with room for the collector's timing; nothing near the 0.9 GB on disk.
        assertTrue(afterGc > 0 && afterGc < 200, feed.toString());
        assertTrue(summary.get("test_accuracy").asDouble() > 0.3, summary.get("test_accuracy").toString());
    }
}
