package io.sparkconv.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict} classifies as training scored: the same accuracy, to the last bit, and a row per image. */
@ExtendWith(SharedSparkSession.class)
class PredictCommandTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();

    private static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void predictionsOfTheTestSplitGiveTheAccuracyTheRunReported(@TempDir Path dir, SparkSession spark) throws Exception {
        Path data = FashionSlice.write(dir.resolve("data"), 600, 230);
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.2}\n"
                + "augment: {crop: 24, flip: true, mean: per_channel, std: true, eval: ten_crop}\n"
                + "training: {epochs: 1, batch_size: 50, eval_batch_size: 64, seed: 3}\nruntime: {threads: 1}\n");
        // the net takes the 24 x 24 crops
        Files.writeString(dir.resolve("lenet24.yaml"), Files.readString(LENET).replace("height: 28, width: 28", "height: 24, width: 24"));
        Files.writeString(conf, Files.readString(conf).replace(LENET.toString(), dir.resolve("lenet24.yaml").toString()));
        for (String master : new String[] {"none", spark.sparkContext().master()}) {
            Path trained = dir.resolve("run-" + master.replaceAll("[^a-z0-9]", ""));
            String[] t = run("train", "--conf", conf.toString(), "--out", trained.toString(), "--master", master, "--workers", "2");
            assertEquals("0", t[0], t[2]);
            assertTrue(Files.isRegularFile(trained.resolve("model").resolve(TrainedModel.STATISTICS_FILE)));
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                    List.of(new ObjectMapper().readValue(trained.resolve("model").resolve(TrainedModel.CLASSES_FILE).toFile(),
                            String[].class)));
            JsonNode summary = new ObjectMapper().readTree(trained.resolve("summary.json").toFile());

            Path out = dir.resolve("predict-" + master.replaceAll("[^a-z0-9]", ""));
            String[] p = run("predict", "--run", trained.toString(), "--out", out.toString(), "--top", "3",
                    "--master", spark.sparkContext().master());
            assertEquals("0", p[0], p[2]);
            assertTrue(p[1].contains("WARNING: the test split"), "predicting the test split is a use of it: " + p[1]);
            JsonNode result = new ObjectMapper().readTree(out.resolve("predict.json").toFile());
            assertEquals(summary.get("test_images").asLong(), result.get("images").asLong());
            // exactly: the same windows, normalization, batches and arithmetic as the run's own scoring
            assertEquals(summary.get("test_accuracy").asDouble(), result.get("accuracy").asDouble(), 0.0, master);
            long diagonal = 0;
            long all = 0;
            for (int k = 0; k < 10; k++) {
                for (int j = 0; j < 10; j++) {
                    long n = result.get("confusion").get(k).get(j).asLong();
                    all += n;
                    diagonal += k == j ? n : 0;
                }
            }
            assertEquals(230, all);
            assertEquals(result.get("accuracy").asDouble(), (double) diagonal / all, 1e-12);

            Dataset<Row> rows = spark.read().parquet(out.resolve("predictions").toString());
            List<Row> list = rows.collectAsList();
            assertEquals(230, list.size());
            Set<String> keys = new HashSet<>();
            for (Row r : list) {
                assertTrue(keys.add(r.getAs("key")));
                int predicted = r.getAs("prediction");
                assertEquals(predicted, (int) r.getAs("class_1"));
                assertEquals(Integer.toString(predicted), r.getAs("class"));
                float p1 = r.getAs("probability_1");
                float p2 = r.getAs("probability_2");
                float p3 = r.getAs("probability_3");
                assertTrue(p1 >= p2 && p2 >= p3 && p3 >= 0 && p1 <= 1.0001f, r.toString());
            }
        }
    }

    /**
     * A folder of real photographs (Debian's mate-backgrounds: JPEGs and PNGs of every size) in
     * class folders named as the run's classes, with a truncated JPEG among them: decoded and
     * resized as prep does, a row per good image with its folder's class as label, the bad one listed.
     */
    @Test
    void aFolderOfImagesIsDecodedAsPrepDoesAndABadFileIsListed(@TempDir Path dir, SparkSession spark) throws Exception {
        Path photos = Path.of("/usr/share/backgrounds/mate");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(photos.resolve("nature")),
                "needs Debian's mate-backgrounds (.ci/run installs it)");
        Path data = FashionSlice.write(dir.resolve("data"), 300, 50);
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n" + "data: {format: idx, path: " + data + "}\n"
                + "training: {epochs: 1, batch_size: 50, seed: 3}\nruntime: {threads: 1}\n");
        Path trained = dir.resolve("run");
        assertEquals("0", run("train", "--conf", conf.toString(), "--out", trained.toString(), "--master", "none")[0]);
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("3"));
        Files.createDirectories(images.resolve("7"));
        int good = 0;
        try (var files = Files.list(photos.resolve("nature"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jpg")).toList()) {
                Files.copy(f, images.resolve("3").resolve(f.getFileName()));
                good++;
            }
        }
        for (String png : new String[] {"Spring.png", "Silk.png", "Waves.png"}) {
            Files.copy(photos.resolve("abstract").resolve(png), images.resolve("7").resolve(png));
            good++;
        }
        byte[] jpeg = Files.readAllBytes(photos.resolve("nature/FreshFlower.jpg"));
        Files.write(images.resolve("3/truncated.jpg"), java.util.Arrays.copyOf(jpeg, 600));
        Path out = dir.resolve("predicted");
        String[] p = run("predict", "--run", trained.toString(), "--input", images.toString(), "--out", out.toString(),
                "--master", spark.sparkContext().master());
        assertEquals("0", p[0], p[2]);
        assertTrue(p[1].contains("rejected 3/truncated.jpg"), p[1]);
        JsonNode result = new ObjectMapper().readTree(out.resolve("predict.json").toFile());
        assertEquals(good, result.get("images").asLong());
        assertEquals(good, result.get("labelled").asLong(), "folders 3 and 7 are classes of the run");
        assertEquals(1, result.get("rejected").size());
        assertEquals("3/truncated.jpg", result.get("rejected").get(0).get("key").asText());
        List<Row> rows = spark.read().parquet(out.resolve("predictions").toString()).collectAsList();
        assertEquals(good, rows.size());
        for (Row r : rows) {
            String key = r.getAs("key");
            assertEquals(key.startsWith("3/") ? 3 : 7, (int) r.getAs("label"), key);
        }
    }

    @Test
    void anotherDatasetAndCsvAndBadOptions(@TempDir Path dir, SparkSession spark) throws Exception {
        Path data = FashionSlice.write(dir.resolve("data"), 400, 120);
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + "}\n"
                + "training: {epochs: 1, batch_size: 50, seed: 3}\nruntime: {threads: 1}\n");
        Path trained = dir.resolve("run");
        assertEquals("0", run("train", "--conf", conf.toString(), "--out", trained.toString(), "--master", "none")[0]);
        // the same images prepared by prep: its validation split, as CSV
        String prepared = dir.resolve("prepared").toString();
        new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(data.toString(), prepared).withShardRecords(50));
        Path out = dir.resolve("csv");
        String[] p = run("predict", "--run", trained.toString(), "--input", prepared, "--split", "validation",
                "--format", "csv", "--out", out.toString(), "--master", spark.sparkContext().master());
        assertEquals("0", p[0], p[2]);
        JsonNode result = new ObjectMapper().readTree(out.resolve("predict.json").toFile());
        long rows = spark.read().option("header", "true").csv(out.resolve("predictions").toString()).count();
        assertEquals(result.get("images").asLong(), rows);
        assertTrue(rows > 0 && result.get("accuracy").asDouble() > 0.3, result.toString());

        String[] bad = run("predict", "--run", trained.toString(), "--split", "tests", "--out", dir.resolve("x").toString());
        assertEquals("2", bad[0]);
        assertTrue(bad[2].strip().startsWith("sparkconv: --split must be train, validation or test"), bad[2]);
        assertTrue(!bad[2].contains("\tat "), "no stack trace");
    }
}
