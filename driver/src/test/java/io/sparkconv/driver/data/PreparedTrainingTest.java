package io.sparkconv.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.driver.cli.Main;
import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DataFormat;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedDataset;
import io.sparkconv.prep.prepared.PreparedSplit;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Training reads what `prep` writes: its splits, and its folds exactly as the manifest records them. */
@ExtendWith(SharedSparkSession.class)
class PreparedTrainingTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();
    static final Shape FASHION = new Shape(1, 28, 28);
    @TempDir
    static Path root;
    static String dataset;
    static Manifest manifest;

    @BeforeAll
    static void prepare(SparkSession spark) throws Exception {
        Path idx = FashionSlice.write(root.resolve("idx"), 700, 150);
        dataset = root.resolve("prepared").toString();
        manifest = new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(idx.toString(), dataset).withFolds(3).withPartitions(2));
    }

    /** Every part of a run's data read whole, unit after unit. */
    record Splits(ImageSet train, ImageSet validation, ImageSet test) {
        static Splits of(DataConfig d) throws java.io.IOException {
            RunData r = RunData.open(d);
            return new Splits(RunData.readAll(r.train()), RunData.readAll(r.validation()), RunData.readAll(r.test()));
        }
    }

    private static DataConfig data() {
        return new DataConfig(DataFormat.PREPARED, dataset, null, null, null, null);
    }

    @Test
    void theSplitsAreTheManifests(SparkSession spark) throws Exception {
        Splits d = Splits.of(data());
        assertEquals(manifest.counts().train(), d.train().size());
        assertEquals(manifest.counts().validation(), d.validation().size());
        assertEquals(manifest.counts().test(), d.test().size());
        // Read file by file without Spark, as the workers do: the same images as Spark reads.
        PreparedSplit viaSpark = PreparedDataset.open(dataset).load(spark, "train");
        Map<String, Integer> image = new HashMap<>();
        for (int i = 0; i < viaSpark.images().size(); i++) {
            image.put(viaSpark.images().keys()[i], i);
        }
        int size = FASHION.size();
        for (int i = 0; i < d.train().size(); i++) {
            Integer j = image.get(d.train().keys()[i]);
            assertTrue(j != null, d.train().keys()[i]);
            assertEquals(viaSpark.images().labels()[j], d.train().labels()[i]);
            assertTrue(Arrays.equals(viaSpark.images().pixels(), j * size, (j + 1) * size,
                    d.train().pixels(), i * size, (i + 1) * size));
        }
    }

    @Test
    void heldOutFoldsAreTheManifestsFoldsAndNeverTrain(SparkSession spark) throws Exception {
        PreparedSplit train = PreparedDataset.open(dataset).load(spark, "train");
        Map<String, Integer> foldOf = new HashMap<>();
        for (int i = 0; i < train.folds().length; i++) {
            foldOf.put(train.images().keys()[i], train.folds()[i]);
        }
        Set<String> seen = new HashSet<>();
        for (int f = 0; f < 3; f++) {
            Splits d = Splits.of(data().holdingOut(3, f));
            assertEquals(manifest.foldCounts().get(f).longValue(), d.validation().size());
            for (String key : d.validation().keys()) {
                assertEquals(f, foldOf.get(key), key);
                assertTrue(seen.add(key));
            }
            for (String key : d.train().keys()) {
                assertTrue(foldOf.get(key) != f, key + " of held-out fold " + f + " is in its training part");
            }
        }
        assertEquals(train.images().size(), seen.size());
        var e = assertThrows(IllegalArgumentException.class,
                () -> Splits.of(data().holdingOut(5, 0)));
        assertTrue(e.getMessage().contains("prepared with 3 folds"), e.getMessage());
        Splits all = Splits.of(data().trainingOnAll());
        assertEquals(manifest.counts().train() + manifest.counts().validation(), all.train().size());
        assertEquals(0, all.validation().size());
    }

    /** The sizes a run plans with come from the manifest alone, and they are the sizes load gives. */
    @Test
    void sizesFromTheManifestAreTheLoadedOnes() throws Exception {
        for (DataConfig d : new DataConfig[] {data(), data().holdingOut(3, 0), data().holdingOut(3, 2), data().trainingOnAll()}) {
            Splits loaded = Splits.of(d);
            assertEquals(new RunData.Sizes(loaded.train().size(), loaded.validation().size(), loaded.test().size()),
                    RunData.layout(d).sizes(), d.toString());
            assertEquals(loaded.train().size(), Arrays.stream(RunData.layout(d).trainUnits()).sum());
        }
    }

    @Test
    void trainReadsAPreparedDatasetOnSparkAndWithout(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: prepared, path: " + dataset + "}\n"
                + "training: {epochs: 1, batch_size: 50, seed: 3}\nruntime: {threads: 1}\n");
        for (String master : new String[] {"none", "local[2]"}) {
            Path out = dir.resolve("run-" + master.replaceAll("[^a-z0-9]", ""));
            assertEquals(0, Main.run("train", "--conf", conf.toString(), "--out", out.toString(), "--master", master,
                    "--workers", "2"));
            JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertEquals(manifest.counts().train(), summary.get("train_images").asLong());
            assertEquals(manifest.counts().test(), summary.get("test_images").asLong());
            assertTrue(summary.get("test_accuracy").asDouble() > 0.3, summary.get("test_accuracy").toString());
        }
    }
}
