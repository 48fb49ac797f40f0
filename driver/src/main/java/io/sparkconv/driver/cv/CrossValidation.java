package io.sparkconv.driver.cv;

import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.RuntimeConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.distributed.SparkTrainer;
import io.sparkconv.driver.report.RunSummary;
import io.sparkconv.kernels.spec.NetPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A search over settings, each scored by k-fold cross-validation of the training split (or on the
 * validation split with one fold). Every (setting, fold) trial is an independent training run,
 * submitted from its own driver thread as its own Spark jobs in its own FAIR pool, as many at once
 * as the cluster has slots for; the rest queue. The best setting by mean score is then retrained on
 * training + validation data, and only that model sees the test split, once.
 */
public final class CrossValidation {
    private final TrainConfig base;
    private final CvOptions options;
    private final PrintStream out;
    private final TestLedger ledger;

    public CrossValidation(TrainConfig base, CvOptions options, PrintStream out, TestLedger ledger) {
        if (!base.distributed().onSpark()) {
            throw new IllegalArgumentException("cv runs its trials as concurrent Spark jobs: give a Spark master, not 'none'");
        }
        this.base = base;
        this.options = options;
        this.out = out;
        this.ledger = ledger;
    }

    public CvResult run(Path outDir) throws IOException, InterruptedException {
        long wallStart = System.currentTimeMillis();
        NetPlan plan = NetPlan.of(base.netSpec());
        checkFolds();
        String fingerprint = TestLedger.fingerprint(base.data());
        List<TestLedger.Use> earlier = ledger.usesOf(fingerprint);
        if (!earlier.isEmpty()) {
            // Said before the search as well as after it: the user may still stop and pick other data.
            out.println(TestLedger.warning(base.data().path(), earlier));
        }

        List<String> pools = new ArrayList<>();
        for (Setting s : options.settings()) {
            for (int f = 0; f < options.folds(); f++) {
                pools.add(poolOf(s, options.folds() > 1 ? f : -1));
            }
        }
        try (TrialScheduler scheduler = TrialScheduler.open(base, options, pools, outDir, out)) {
            int slots = scheduler.slots;
            int parallel = Math.max(1, Math.min(options.parallel() > 0 ? options.parallel() : slots / options.workersPerTrial(),
                    options.settings().size() * options.folds()));
            out.printf("search: %d settings x %s = %d trials of %s, %d at a time (%d task slots, %d worker(s) x %d thread(s) per trial)%n",
                    options.settings().size(), options.folds() > 1 ? options.folds() + " folds" : "validation split",
                    options.settings().size() * options.folds(), plan.spec().name(), parallel, slots,
                    options.workersPerTrial(), options.threadsPerWorker());

            List<TrialResult> trials = runTrials(scheduler, outDir.resolve("trials"), parallel);
            List<SettingScore> scores = new ArrayList<>();
            for (Setting s : options.settings()) {
                scores.add(SettingScore.of(s, trials.stream().filter(t -> t.setting().equals(s)).toList()));
            }
            List<SettingScore> ranked = scores.stream().sorted(SettingScore::byMeanDescending).toList();
            SettingScore best = ranked.get(0);
            if (Double.isNaN(best.mean())) {
                throw new IllegalStateException("every trial of the search diverged; nothing to retrain");
            }
            out.printf("best: %s, mean held-out accuracy %.4f +- %.4f; retraining on training + validation data%n",
                    best.setting().label(), best.mean(), best.std());

            Path finalDir = outDir.resolve("final");
            TrainConfig finalConfig = finalConfig(best.setting(), finalDir, slots);
            scheduler.submitTo(TrialScheduler.FINAL_POOL);
            RunSummary fin;
            try (PrintStream log = trialLog(finalDir)) {
                fin = new SparkTrainer(finalConfig, log, SparkTrainer.TestScoring.SCORE).run(finalDir);
            }
            TestLedger.Use use = new TestLedger.Use(base.data().path(), fingerprint, "cv", outDir.toAbsolutePath().toString(),
                    Instant.now().toString(), fin.testAccuracy());
            ledger.record(use);
            if (!earlier.isEmpty()) {
                out.println(TestLedger.warning(base.data().path(), earlier));
            }
            CvResult result = new CvResult(plan.spec().name(), options.folds(), parallel, trials, ranked,
                    new CvResult.Final(best.setting(), fin.testAccuracy(), fin.testLoss(), fin.trainImages(),
                            fin.testImages(), finalDir.toString(), scheduler.timeline.jobsIn(TrialScheduler.FINAL_POOL)),
                    new CvResult.TestUse(fingerprint, ledger.file().toString(), earlier.size() + 1, earlier),
                    (System.currentTimeMillis() - wallStart) / 1000.0,
                    trials.stream().mapToDouble(TrialResult::seconds).sum(), base);
            Path written = result.write(outDir);
            out.print(result.table());
            out.printf("test accuracy %.4f (loss %.4f) of %s retrained on %,d images, scored once on %,d test images; "
                    + "%.0f s wall, trials summed %.0f s; results in %s%n", fin.testAccuracy(), fin.testLoss(),
                    best.setting().label(), fin.trainImages(), fin.testImages(), result.wallSeconds(),
                    result.trialSecondsSummed(), written);
            return result;
        }
    }

    private List<TrialResult> runTrials(TrialScheduler scheduler, Path trialsDir, int parallel) throws InterruptedException {
        List<Callable<TrialResult>> trials = new ArrayList<>();
        int total = options.settings().size() * options.folds();
        for (Setting s : options.settings()) {
            for (int f = 0; f < options.folds(); f++) {
                int fold = options.folds() > 1 ? f : -1;
                int index = trials.size() + 1;
                trials.add(() -> runTrial(scheduler, trialsDir, s, fold, index, total));
            }
        }
        return scheduler.runAll(trials, parallel);
    }

    private TrialResult runTrial(TrialScheduler scheduler, Path trialsDir, Setting s, int fold, int index, int total)
            throws IOException {
        String name = trialName(s, fold);
        String label = String.format("trial %d/%d (%s, %s)", index, total, s.label(), fold >= 0 ? "fold " + fold : "validation split");
        Path dir = trialsDir.resolve(name);
        String pool = poolOf(s, fold);
        scheduler.submitTo(pool); // this trial's jobs, and only they

        out.printf("%s: started%n", label);
        long start = System.currentTimeMillis();
        RunSummary summary;
        try (PrintStream log = trialLog(dir)) {
            summary = new SparkTrainer(trialConfig(s, fold, dir), log, SparkTrainer.TestScoring.SKIP).run(dir);
        }
        long end = System.currentTimeMillis();
        List<Double> acc = summary.valAccuracy();
        List<Double> loss = summary.valLoss();
        // A diverged trial scores nothing; the epoch it diverged in counts as one it ran.
        boolean diverged = "diverged".equals(summary.stop());
        boolean stopped = !"completed".equals(summary.stop());
        int epochs = acc.size() + (diverged ? 1 : 0);
        double score = diverged || acc.isEmpty() ? Double.NaN : acc.get(acc.size() - 1);
        double lastLoss = diverged || loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1);
        out.printf("%s: held-out accuracy %.4f after %d epoch(s)%s, %.0f s%n", label, score, epochs,
                stopped ? " (stopped: " + summary.stop() + ")" : "", (end - start) / 1000.0);
        return new TrialResult(s, fold, pool, score, lastLoss, epochs, stopped, start, end,
                scheduler.timeline.jobsIn(pool), dir.toString());
    }

    /** A trial: the setting's lr and l2, one fold held out, its own checkpoints, its share of the cluster. */
    TrainConfig trialConfig(Setting s, int fold, Path dir) {
        Map<String, Object> set = runSettings(s, options.workersPerTrial(), dir);
        set.put("training.stop_hopeless_after", options.stopHopelessAfter());
        if (fold >= 0) {
            set.put("data.folds", options.folds());
            set.put("data.held_out_fold", fold);
        }
        return base.with(set);
    }

    /** The retrain of the best setting on training + validation data, on the whole cluster. */
    TrainConfig finalConfig(Setting best, Path dir, int slots) {
        int workers = base.distributed().workers() > 0 ? base.distributed().workers()
                : Math.max(1, slots);
        Map<String, Object> set = runSettings(best, workers, dir);
        set.put("training.stop_hopeless_after", 0);
        set.put("data.folds", 0);
        set.put("data.held_out_fold", -1);
        set.put("data.train_on_validation", true);
        return base.with(set);
    }

    private Map<String, Object> runSettings(Setting s, int workers, Path dir) {
        Map<String, Object> set = new LinkedHashMap<>(s.settings());
        set.put("runtime.threads", options.threadsPerWorker());
        set.put("distributed.workers", workers);
        set.put("distributed.checkpoint_dir", dir.resolve("checkpoints").toAbsolutePath().toUri().toString());
        return set;
    }

    /** Every fold must hold images and leave enough to train on; checked before any Spark work, from the counts alone. */
    private void checkFolds() throws IOException {
        if (options.folds() < 2) {
            return;
        }
        long[] sizes = RunData.trainFoldSizes(base.data(), options.folds());
        long train = java.util.Arrays.stream(sizes).sum();
        for (int f = 0; f < sizes.length; f++) {
            if (sizes[f] == 0) {
                throw new IllegalArgumentException("fold " + f + " of " + options.folds() + " is empty: "
                        + (train - sizes[f]) + " training images are too few for " + options.folds() + " folds");
            }
            if (train - sizes[f] < options.workersPerTrial()) {
                throw new IllegalArgumentException("fold " + f + " leaves " + (train - sizes[f]) + " images to train on");
            }
        }
    }

    private static String trialName(Setting s, int fold) {
        return s.slug() + (fold >= 0 ? "-fold" + fold : "-validation");
    }

    private static String poolOf(Setting s, int fold) {
        return "cv-" + trialName(s, fold);
    }

    private static PrintStream trialLog(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new PrintStream(Files.newOutputStream(dir.resolve("train.log")), true, StandardCharsets.UTF_8);
    }
}
