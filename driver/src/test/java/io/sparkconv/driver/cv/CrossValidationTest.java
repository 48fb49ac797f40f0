package io.sparkconv.driver.cv;

import io.sparkconv.driver.report.TestLedger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A search on local[2]: a train/validation search (one fold) whose test split was already used once. */
@ExtendWith(SharedSparkSession.class)
class CrossValidationTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();

    private static TrainConfig config(Path dir, Path data) throws Exception {
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.2}\n"
                + "training: {epochs: 2, batch_size: 50, eval_batch_size: 100, seed: 5,"
                + " sgd: {lr: 0.02, momentum: 0.9, l2: 5.0e-4}}\n"
                + "runtime: {threads: 1}\n"
                + "distributed: {master: 'local[2]'}\n");
        return TrainConfig.load(conf);
    }

    @Test
    void aSecondScoringOfTheSameTestSplitWarnsAndIsCounted(@TempDir Path dir) throws Exception {
        Path data = FashionSlice.write(dir.resolve("data"), 400, 100);
        TrainConfig base = config(dir, data);
        TestLedger ledger = new TestLedger(dir.resolve("home/test-uses.jsonl"));
        ledger.record(new TestLedger.Use(data.toString(), TestLedger.fingerprint(base.data()), "cv", "runs/earlier",
                "2026-11-26T10:00:00Z", 0.8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        // lr 5000 diverges in its first epoch: the hopeless-run rule stops it after one.
        CvOptions options = new CvOptions(1, List.of(new Setting(0.02, 5e-4), new Setting(5000, 0)), 0, 1, 1, 2);
        CvResult result = new CrossValidation(base, options, out, ledger).run(dir.resolve("cv"));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(2, result.trials().size());
        TrialResult diverged = result.trials().stream().filter(t -> t.setting().lr() == 5000).findFirst().orElseThrow();
        assertTrue(diverged.stopped() && diverged.epochs() == 1 && Double.isNaN(diverged.score()), diverged.toString());
        TrialResult good = result.trials().stream().filter(t -> t.setting().lr() == 0.02).findFirst().orElseThrow();
        assertEquals(2, good.epochs());
        assertEquals(-1, good.fold());
        assertEquals(new Setting(0.02, 5e-4), result.best().setting());
        assertEquals(good.score(), result.settings().get(0).mean(), 0);
        assertEquals(400, result.best().trainImages(), "the retrain uses training and validation files");
        assertTrue(result.best().testAccuracy() > 0.2, "test accuracy " + result.best().testAccuracy());
        assertEquals(2, result.testSplit().uses());
        assertEquals(2, ledger.usesOf(result.testSplit().fingerprint()).size());
        assertTrue(printed.contains("WARNING: the test split") && printed.contains("runs/earlier"), printed);
        assertTrue(Files.exists(dir.resolve("cv/cv.json")));
        assertTrue(printed.contains("lr=0.02 l2=0.0005"), printed);
    }

    @Test
    void noSparkMasterIsRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
        TrainConfig base = config(dir, FashionSlice.write(dir.resolve("data"), 100, 50));
        TrainConfig none = base.with("distributed.master", "none");
        var e = assertThrows(IllegalArgumentException.class, () -> new CrossValidation(none,
                new CvOptions(1, List.of(new Setting(0.1, 0)), 0, 1, 1, 0), System.out, new TestLedger(dir.resolve("l"))));
        assertTrue(e.getMessage().contains("not 'none'"), e.getMessage());
    }
}
