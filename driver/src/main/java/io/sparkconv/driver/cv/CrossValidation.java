package io.sparkconv.driver.cv;

import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.RuntimeConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

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
        checkFolds(plan);
        String fingerprint = TestLedger.fingerprint(base.data());
        List<TestLedger.Use> earlier = ledger.usesOf(fingerprint);
        if (!earlier.isEmpty()) {
            // Said before the search as well as after it: the user may still stop and pick other data.
            out.println(TestLedger.warning(base.data().path(), earlier));
        }

        SparkConf conf = SparkTrainer.sparkConf(base.distributed());
        conf.set("spark.scheduler.mode", "FAIR");
        conf.set("spark.scheduler.allocation.file", writePools(outDir).toAbsolutePath().toString());
        conf.set("spark.task.cpus", Integer.toString(options.threadsPerWorker()));
        conf.set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(options.threadsPerWorker()));
        conf.setIfMissing("spark.app.name", "sparkconv-cv");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (!"FAIR".equalsIgnoreCase(sc.getConf().get("spark.scheduler.mode", "FIFO"))) {
            out.println("note: this Spark session schedules FIFO (it existed before the search); trials still run "
                    + "side by side while slots are free");
        }
        JobTimeline timeline = new JobTimeline();
        sc.sc().addSparkListener(timeline);
        try {
            int slots = taskSlots(sc);
            int parallel = Math.max(1, Math.min(options.parallel() > 0 ? options.parallel() : slots / options.workersPerTrial(),
                    options.settings().size() * options.folds()));
            out.printf("search: %d settings x %s = %d trials of %s, %d at a time (%d task slots, %d worker(s) x %d thread(s) per trial)%n",
                    options.settings().size(), options.folds() > 1 ? options.folds() + " folds" : "validation split",
                    options.settings().size() * options.folds(), plan.spec().name(), parallel, slots,
                    options.workersPerTrial(), options.threadsPerWorker());

            List<TrialResult> trials = runTrials(sc, timeline, outDir.resolve("trials"), parallel);
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
            sc.setLocalProperty("spark.scheduler.pool", "cv-final");
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
                            fin.testImages(), finalDir.toString(), timeline.jobsIn("cv-final")),
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
        } finally {
            sc.sc().removeSparkListener(timeline);
        }
    }

    private List<TrialResult> runTrials(JavaSparkContext sc, JobTimeline timeline, Path trialsDir, int parallel)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "cv-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TrialResult>> futures = new ArrayList<>();
            int total = options.settings().size() * options.folds();
            int n = 0;
            for (Setting s : options.settings()) {
                for (int f = 0; f < options.folds(); f++) {
                    int fold = options.folds() > 1 ? f : -1;
                    int index = ++n;
                    futures.add(pool.submit(() -> runTrial(sc, timeline, trialsDir, s, fold, index, total)));
                }
            }
            List<TrialResult> results = new ArrayList<>();
            for (Future<TrialResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable cause = e.getCause();
                    throw new IllegalStateException("a trial failed: " + cause.getMessage(), cause);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private TrialResult runTrial(JavaSparkContext sc, JobTimeline timeline, Path trialsDir, Setting s, int fold,
                                 int index, int total) throws IOException {
        String name = trialName(s, fold);
        String label = String.format("trial %d/%d (%s, %s)", index, total, s.label(), fold >= 0 ? "fold " + fold : "validation split");
        Path dir = trialsDir.resolve(name);
        String pool = poolOf(s, fold);
        // Local properties belong to the submitting thread: this trial's jobs, and only they, go to its pool.
        sc.setLocalProperty("spark.scheduler.pool", pool);
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
                timeline.jobsIn(pool), dir.toString());
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

    /** Every fold must hold images and leave enough to train on; checked before any Spark work. */
    private void checkFolds(NetPlan plan) throws IOException {
        if (options.folds() < 2) {
            return;
        }
        for (int f = 0; f < options.folds(); f++) {
            TrainingData parts = TrainingData.load(base.data().holdingOut(options.folds(), f), base.augment(), plan.input(),
                    plan.spec().name());
            if (parts.validation().size() == 0) {
                throw new IllegalArgumentException("fold " + f + " of " + options.folds() + " is empty: "
                        + parts.train().size() + " training images are too few for " + options.folds() + " folds");
            }
            if (parts.train().size() < options.workersPerTrial()) {
                throw new IllegalArgumentException("fold " + f + " leaves " + parts.train().size() + " images to train on");
            }
        }
    }

    /** Task slots of the session: cores over spark.task.cpus, once the executors have registered. */
    private int taskSlots(JavaSparkContext sc) {
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        if (sc.isLocal()) {
            return Math.max(1, SparkTrainer.localCores(sc.master()) / taskCpus);
        }
        SparkTrainer.waitForExecutors(sc, options.workersPerTrial());
        // Executors of a standalone or YARN cluster register one by one: take the count once it holds still.
        int seen = -1;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            int now = sc.sc().statusTracker().getExecutorInfos().length;
            if (now == seen) {
                break;
            }
            seen = now;
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Math.max(1, sc.sc().defaultParallelism() / taskCpus);
    }

    /** A pool per trial and one for the retrain, equal weights: Spark's FAIR scheduler shares slots between them. */
    private Path writePools(Path outDir) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
        List<String> pools = new ArrayList<>();
        for (Setting s : options.settings()) {
            for (int f = 0; f < options.folds(); f++) {
                pools.add(poolOf(s, options.folds() > 1 ? f : -1));
            }
        }
        pools.add("cv-final");
        for (String pool : pools) {
            xml.append("  <pool name=\"").append(pool).append("\"><schedulingMode>FIFO</schedulingMode>")
                    .append("<weight>1</weight><minShare>0</minShare></pool>\n");
        }
        xml.append("</allocations>\n");
        Files.createDirectories(outDir);
        return Files.writeString(outDir.resolve("fairscheduler.xml"), xml);
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
