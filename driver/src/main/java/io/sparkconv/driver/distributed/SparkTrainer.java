package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.SyncMode;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.TrainingFailedException;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.report.RunSummary;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Training as a Spark application: the driver resolves the config and the data, places K long-lived
 * workers in a barrier stage ({@code sync: ring}) or runs one job per step ({@code sync: spark}),
 * follows rank 0's progress, then scores the test set once with the final parameters.
 */
public final class SparkTrainer {
    /** As given; {@link #run} resolves its precision against the executors. */
    private final TrainConfig requested;
    private final PrintStream progress;
    private final TestScoring testScoring;
    private final boolean scoreTest;

    /** What a run does with the test split once training is over. */
    public enum TestScoring {
        /** Score it and record the use in the user's test ledger ({@code train}). */
        SCORE_AND_RECORD,
        /** Score it; the caller records the use ({@code cv}'s retrain). */
        SCORE,
        /** Never look at it (a search's trials): the summary carries NaN test figures. */
        SKIP
    }

    public SparkTrainer(TrainConfig config, PrintStream progress) {
        this(config, progress, TestScoring.SCORE_AND_RECORD);
    }

    public SparkTrainer(TrainConfig config, PrintStream progress, TestScoring testScoring) {
        this.requested = config;
        this.progress = progress;
        this.testScoring = testScoring;
        this.scoreTest = testScoring != TestScoring.SKIP;
    }

    /** The Spark settings a training run needs; a master given by spark-submit wins over ours. */
    public static SparkConf sparkConf(DistributedConfig d) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(d.master());
        }
        conf.setIfMissing("spark.app.name", "sparkconv-train");
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.set("spark.kryo.registrator", KryoRegistration.class.getName());
        conf.set("spark.stage.maxConsecutiveAttempts", Integer.toString(d.maxAttempts()));
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // The Java backend's GEMM runs on the incubator Vector API; without it executors fall back to scalar code.
        conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        // A barrier stage that cannot get K slots fails after this many 5 s checks, not Spark's 40 x 15 s.
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "5s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "6");
        return conf;
    }

    /** Cores of a local[N] master, or 0 for a cluster master. */
    public static int localCores(String master) {
        if (master.equals("local")) {
            return 1;
        }
        if (master.startsWith("local[")) {
            String n = master.substring(6, master.indexOf(master.contains(",") ? ',' : ']'));
            return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n.trim());
        }
        return 0;
    }

    public RunSummary run(Path outDir) throws IOException {
        long wallStart = System.nanoTime();
        TrainConfig config = requested;
        PrecisionChoice wantedPrecision = config.runtime().precision();
        TrainingConfig t = config.training();
        DistributedConfig d = config.distributed();
        NetPlan plan = NetPlan.of(config.netSpec());
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        Augmenter augmenter = Augmenter.fit(config.augment(), data.train());
        progress.print(plan);
        progress.printf("data: %,d train, %,d validation, %,d test images from %s%n",
                data.train().size(), data.validation().size(), data.test().size(), config.data().path());

        SparkConf conf = sparkConf(d);
        String master = conf.get("spark.master");
        int local = localCores(master);
        int workers = d.workers() > 0 ? d.workers() : local > 0 ? 1 : conf.getInt("spark.executor.instances", 2);
        int threads = config.runtime().threads() > 0 ? config.runtime().threads()
                : local > 0 ? Math.max(1, local / workers) : conf.getInt("spark.executor.cores", 1);
        conf.set("spark.task.cpus", Integer.toString(threads));
        conf.set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(threads));
        // Validate the plan before any Spark work starts.
        new BatchPlan(t.seed(), data.train().size(), t.batchSize(), workers);

        String checkpointDir = d.checkpointDir() != null ? d.checkpointDir()
                : outDir.resolve("checkpoints").toAbsolutePath().toUri().toString();
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // A session that already existed (an application embedding us, a test JVM) keeps its own
        // settings: plan with the slots it really has.
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        if (config.runtime().threads() == 0) {
            threads = taskCpus;
        }
        int localSlots = local > 0 ? localCores(sc.master()) / taskCpus : Integer.MAX_VALUE;
        if (localSlots < workers) {
            throw new IllegalArgumentException(workers + " workers need " + workers + " task slots, but master "
                    + sc.master() + " with spark.task.cpus=" + taskCpus + " has " + localSlots);
        }
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        progress.printf("spark master %s: %d workers x %d threads, sync %s, batch %d, %d epochs, seed %d%n",
                master, workers, threads, d.sync(), t.batchSize(), t.epochs(), t.seed());
        try (ProgressDisplay display = ProgressDisplay.open(progress, Duration.ZERO);
             ProgressServer server = new ProgressServer(host, display)) {
            waitForExecutors(sc, local > 0 ? 1 : workers);
            // One precision for the whole ring, chosen from what the executors' CPUs run natively.
            List<ExecutorCpus.Cpu> cpus = ExecutorCpus.probe(sc, workers, d.sync() == SyncMode.RING);
            Precision precision = ExecutorCpus.resolve(wantedPrecision, config.runtime().backend(), cpus);
            String isas = ExecutorCpus.describe(cpus);
            progress.printf("executors' oneDNN ISA: %s; precision %s%s%n", isas, precision.word(),
                    wantedPrecision == PrecisionChoice.AUTO ? " (auto)" : "");
            config = config.with("runtime.precision", precision.word());
            WorkerSpec first = new WorkerSpec(config.toJson(), workers, threads, augmenter.statistics(),
                    host, server.port(), System.nanoTime() & 0xffffffffL, checkpointDir,
                    d.checkpointEvery(), d.timeoutSeconds() * 1000L, 0);
            WorkerSpec spec = first;
            sc.setJobGroup("sparkconv-train", "training " + plan.spec().name() + " on " + workers + " workers", true);
            long trainStart = System.nanoTime();
            List<WorkerResult> results = null;
            while (results == null) {
                try {
                    results = d.sync() == SyncMode.RING
                            ? BarrierTraining.run(sc, spec)
                            : SparkStepTraining.run(sc, spec, display, data.train().size());
                } catch (Exception e) {
                    // Scala code throws the checked SparkException without declaring it.
                    if (!(e instanceof SparkException)) {
                        throw e;
                    }
                    String unsupported = unsupportedPrecision(e);
                    if (unsupported != null) {
                        // An executor the probe did not reach cannot run the run's precision: not worth a retry.
                        throw new PrecisionChoice.UnsupportedPrecisionException(unsupported);
                    }
                    if (spec.attempt() + 1 >= d.maxAttempts()) {
                        throw new TrainingFailedException(String.format("training failed in all %d attempts (distributed.max_attempts);"
                                + " the last: %s", d.maxAttempts(), failureReason(e)), e);
                    }
                    display.line(String.format("training job failed (attempt %d of %d): %s%nrelaunching from the last checkpoint",
                            spec.attempt() + 1, d.maxAttempts(), failureReason(e)));
                    spec = spec.nextAttempt();
                    waitForExecutors(sc, local > 0 ? 1 : workers);
                }
            }
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            display.close();
            WorkerResult lead = results.stream().filter(r -> r.rank() == 0).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no result from rank 0"));
            int restarts = results.stream().mapToInt(WorkerResult::stageAttempt).max().orElse(0);
            EpochLoop.Stop stop = EpochLoop.Stop.valueOf(lead.stop());
            if (stop == EpochLoop.Stop.DIVERGED) {
                writeMetrics(server, outDir.resolve("metrics.jsonl"));
                if (testScoring != TestScoring.SKIP) {
                    throw TrainingFailedException.diverged(lead.stopMessage(), checkpointDir);
                }
                // A search's trial: its summary says it diverged, and where; there is no model to keep.
                Optional<Checkpoint> before = Checkpoint.latest(checkpointDir);
                RunSummary summary = new RunSummary(plan.spec().name(), config.runtime().backend().word(), precision.word(), isas,
                        threads, t.epochs(), t.seed(), data.train().size(), data.validation().size(), data.test().size(),
                        before.map(c -> c.header().trainLoss()).orElse(List.of()),
                        before.map(c -> c.header().valAccuracy()).orElse(List.of()),
                        before.map(c -> c.header().valLoss()).orElse(List.of()), Double.NaN, Double.NaN,
                        lead.steps() * (double) t.batchSize() / Math.max(1e-9, lead.trainSeconds()), lead.trainSeconds(),
                        (System.nanoTime() - wallStart) / 1e9, augmenter.statistics().channelMean(),
                        new RunSummary.Distributed(master, workers, d.sync(), restarts,
                                lead.allReduceMillisPerStep(), lead.computeMillisPerStep(), checkpointDir),
                        "diverged", lead.stopMessage(), config);
                summary.write(outDir);
                return summary;
            }
            Checkpoint last = Checkpoint.latest(checkpointDir)
                    .orElseThrow(() -> new IllegalStateException("training ended without a checkpoint in " + checkpointDir));
            restarts = Math.max(restarts, last.header().restarts());
            if (!Arrays.equals(last.params(), lead.params())) {
                throw new IllegalStateException("the last checkpoint does not hold rank 0's final parameters");
            }
            new Checkpoint(last.header(), last.params(), last.velocity())
                    .write(outDir.resolve("model").toAbsolutePath().toUri().toString());

            // The driver scores the test split in the run's precision when its own CPU has it natively, else in fp32
            // (the master weights are fp32 either way).
            boolean driverBf16 = OneDnn.available() && OneDnn.isa().nativeBf16();
            PrecisionChoice scoring = precision == Precision.BF16 && driverBf16 ? PrecisionChoice.BF16 : PrecisionChoice.FP32;
            try (ThreadTeam team = ThreadTeam.allCores();
                 Net net = Backends.select(config.runtime().backend(), scoring).compile(plan, t.evalBatchSize(), team)) {
                System.arraycopy(lead.params(), 0, net.parameters(), 0, lead.params().length);
                net.parametersChanged();
                // The test split is scored once, here, after every training decision is made.
                Evaluation test = scoreTest ? Evaluation.of(net, data.test(), augmenter, t.evalBatchSize())
                        : Evaluation.notScored();
                // Throughput over the step loops, as the local trainer measures it; a relaunch's lost
                // attempt and the job's start-up count in wall_seconds only.
                long images = lead.steps() * (long) t.batchSize();
                double loopSeconds = lead.trainSeconds() > 0 ? lead.trainSeconds() : trainSeconds;
                RunSummary summary = new RunSummary(plan.spec().name(), net.backend(), precision.word(), isas, threads,
                        t.epochs(), t.seed(),
                        data.train().size(), data.validation().size(), data.test().size(),
                        last.header().trainLoss(), last.header().valAccuracy(), last.header().valLoss(),
                        test.accuracy(), test.loss(), images / loopSeconds, loopSeconds,
                        (System.nanoTime() - wallStart) / 1e9, augmenter.statistics().channelMean(),
                        new RunSummary.Distributed(master, workers, d.sync(), restarts,
                                lead.allReduceMillisPerStep(), lead.computeMillisPerStep(), checkpointDir),
                        stop.name().toLowerCase(java.util.Locale.ROOT), lead.stopMessage(), config);
                Path written = summary.write(outDir);
                if (testScoring == TestScoring.SCORE_AND_RECORD) {
                    TestLedger.forUser().noteUse(config.data(), "train", outDir.toAbsolutePath().toString(),
                            test.accuracy(), progress, false);
                }
                writeMetrics(server, outDir.resolve("metrics.jsonl"));
                progress.printf("%s; %.0f training img/s; all-reduce %.2f ms/step; %d restarts; summary in %s%n",
                        scoreTest ? String.format("test accuracy %.4f (loss %.4f) on %,d images",
                                test.accuracy(), test.loss(), data.test().size())
                                : String.format("validation accuracy %.4f (test not scored)",
                                        last.header().valAccuracy().get(last.header().valAccuracy().size() - 1)),
                        summary.imagesPerSecond(), lead.allReduceMillisPerStep(), restarts, written);
                return summary;
            }
        }
    }

    /** Every progress event rank 0 sent (steps, epochs, checkpoints, restarts), one JSON object a line. */
    private static void writeMetrics(ProgressServer server, Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (var e : server.events()) {
            lines.append(e.toString()).append('\n');
        }
        java.nio.file.Files.writeString(file, lines);
    }

    /**
     * What went wrong, in one line: the failing worker's own message (Spark buries it in the job's
     * stage-failure text, e.g. "training worker 0 (attempt 0): ring worker 0: no progress for
     * 2001 ms ..."), else the first line of the outermost message.
     */
    static String failureReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String line : String.valueOf(t.getMessage()).split("\n")) {
                int at = line.indexOf("training worker ");
                if (at >= 0) {
                    return line.substring(at);
                }
            }
        }
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The message of an UnsupportedPrecisionException a task threw, from Spark's failure text; else null. */
    static String unsupportedPrecision(Throwable e) {
        String marker = PrecisionChoice.UnsupportedPrecisionException.class.getSimpleName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String line : String.valueOf(t.getMessage()).split("\n")) {
                int at = line.indexOf(marker);
                if (at >= 0) {
                    return line.substring(at + marker.length());
                }
            }
        }
        return null;
    }

    /**
     * A barrier stage submitted before its executors have registered fails its slot check and starts
     * about 15 s late, so wait for them first (bounded: a cluster that never delivers fails clearly).
     */
    public static void waitForExecutors(JavaSparkContext sc, int needed) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1) < needed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (sc.sc().statusTracker().getExecutorInfos().length - 1)
                        + " executors registered after 120 s; training needs " + needed);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
        }
    }
}
