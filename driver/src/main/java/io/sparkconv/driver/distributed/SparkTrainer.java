package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.SyncMode;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.report.RunSummary;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.driver.train.TrainingFailedException;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.ValidationScores;
import io.sparkconv.prep.augment.PixelStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Training as a Spark application: the driver resolves the config and the data, places K long-lived
 * workers in a barrier stage ({@code sync: ring}) or runs one job per step ({@code sync: spark}),
 * follows rank 0's progress; the workers score the test split once with the final parameters. The
 * driver reads no pixels: the plan comes from the manifest (or the IDX headers), the statistics
 * from the manifest or a Spark job.
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

    public RunSummary run(Path outDir) throws IOException {
        long wallStart = System.nanoTime();
        TrainConfig config = requested;
        TrainingConfig t = config.training();
        DistributedConfig d = config.distributed();
        RunContext run = RunContext.of(config);
        NetPlan plan = run.plan();
        SparkConf conf = SparkCluster.conf(d);
        ClusterShape asked = ClusterShape.requested(conf, d, config.runtime());
        // The plan is checked from the splits' sizes before any pixels are read or Spark starts.
        run.checkWorkers(asked.workers());
        RunData.Sizes sizes = run.sizes();
        progress.print(plan);
        progress.printf("data: %,d train, %,d validation, %,d test images from %s%n",
                sizes.train(), sizes.validation(), sizes.test(), config.data().path());

        String checkpointDir = d.checkpointDir() != null ? d.checkpointDir()
                : outDir.resolve("checkpoints").toAbsolutePath().toUri().toString();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
        ClusterShape shape = asked.in(sc, config.runtime());
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        progress.printf("spark master %s: %d workers x %d threads, sync %s, batch %d, %d epochs, seed %d%n",
                shape.master(), shape.workers(), shape.threads(), d.sync(), t.batchSize(), t.epochs(), t.seed());
        try (ProgressDisplay display = ProgressDisplay.open(progress, Duration.ZERO);
             ProgressServer server = new ProgressServer(host, display)) {
            SparkCluster.waitForExecutors(sc, shape.executorsNeeded());
            // One precision for the whole ring, chosen from what the executors' CPUs run natively.
            PrecisionChoice wanted = config.runtime().precision();
            List<ExecutorCpus.Cpu> cpus = ExecutorCpus.probe(sc, shape.workers(), d.sync() == SyncMode.RING);
            Precision precision = ExecutorCpus.resolve(wanted, config.runtime().backend(), cpus);
            String isas = ExecutorCpus.describe(cpus);
            progress.printf("executors' oneDNN ISA: %s; precision %s%s%n", isas, precision.word(),
                    wanted == PrecisionChoice.AUTO ? " (auto)" : "");
            config = config.with("runtime.precision", precision.word());
            // The driver never reads pixels: the manifest's statistics, or a job's on the executors.
            PixelStatistics statistics = StatisticsJob.run(sc, config, run.layout().trainUnits().length);
            progress.printf("channel mean %s%n", Arrays.toString(statistics.channelMean()));
            WorkerSpec first = new WorkerSpec(config.toJson(), shape.workers(), shape.threads(), statistics,
                    host, server.port(), System.nanoTime() & 0xffffffffL, checkpointDir,
                    d.checkpointEvery(), d.timeoutSeconds() * 1000L, 0, scoreTest);
            sc.setJobGroup("sparkconv-train", "training " + plan.spec().name() + " on " + shape.workers() + " workers", true);
            long trainStart = System.nanoTime();
            List<WorkerResult> results = TrainingJobs.run(sc, first, display, d, shape.executorsNeeded());
            display.close();
            WorkerResult lead = results.stream().filter(r -> r.rank() == 0).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no result from rank 0"));
            Trained trained = new Trained(config, plan, sizes, statistics, shape, precision, isas, checkpointDir, lead,
                    results.stream().mapToInt(WorkerResult::stageAttempt).max().orElse(0),
                    (System.nanoTime() - trainStart) / 1e9, wallStart);
            writeMetrics(server, outDir.resolve("metrics.jsonl"));
            return EpochLoop.Stop.valueOf(lead.stop()) == EpochLoop.Stop.DIVERGED ? diverged(trained, outDir) : finish(trained, outDir);
        }
    }

    /** What training left behind, and what the run was given: all the summary needs. */
    private record Trained(TrainConfig config, NetPlan plan, RunData.Sizes sizes, PixelStatistics statistics, ClusterShape shape,
                           Precision precision, String isas, String checkpointDir, WorkerResult lead, int restarts,
                           double trainSeconds, long wallStart) {}

    /** The model from the last checkpoint, the test split as the workers scored it, the summary. */
    private RunSummary finish(Trained r, Path outDir) throws IOException {
        Checkpoint last = Checkpoint.latest(r.checkpointDir())
                .orElseThrow(() -> new IllegalStateException("training ended without a checkpoint in " + r.checkpointDir()));
        if (!Arrays.equals(last.params(), r.lead().params())) {
            throw new IllegalStateException("the last checkpoint does not hold rank 0's final parameters");
        }
        last.write(outDir.resolve("model").toAbsolutePath().toUri().toString());
        TrainedModel.writeAlongside(outDir.resolve("model"), r.statistics(), r.config(), r.plan().classes());
        float[] t = r.lead().testScores();
        if (scoreTest && t == null) {
            throw new IllegalStateException("the workers did not score the test split");
        }
        Evaluation test = scoreTest ? Evaluation.of(new ValidationScores(t[0], t[1], (long) t[2])) : Evaluation.notScored();
        RunSummary summary = summary(r, r.lead().backend(), last.header(), test,
                Math.max(r.restarts(), last.header().restarts()));
        Path written = summary.write(outDir);
        if (testScoring == TestScoring.SCORE_AND_RECORD) {
            TestLedger.forUser().noteUse(r.config().data(), "train", outDir.toAbsolutePath().toString(),
                    test.accuracy(), progress, false);
        }
        List<Double> val = last.header().valAccuracy();
        progress.printf("%s; %.0f training img/s; all-reduce %.2f ms/step; %d restarts; summary in %s%n",
                scoreTest ? String.format("test accuracy %.4f (loss %.4f) on %,d images",
                        test.accuracy(), test.loss(), test.images())
                        : String.format("validation accuracy %.4f (test not scored)", val.get(val.size() - 1)),
                summary.imagesPerSecond(), r.lead().allReduceMillisPerStep(), summary.distributed().restarts(), written);
        return summary;
    }

    /**
     * A loss that stopped being finite: a run fails (exit 1, the last finite checkpoint kept); a
     * search's trial gets a summary that says so, and no model.
     */
    private RunSummary diverged(Trained r, Path outDir) throws IOException {
        if (testScoring != TestScoring.SKIP) {
            throw TrainingFailedException.diverged(r.lead().stopMessage(), r.checkpointDir());
        }
        Optional<Checkpoint> before = Checkpoint.latest(r.checkpointDir());
        RunSummary summary = summary(r, r.config().runtime().backend().word(), before.map(Checkpoint::header).orElse(null),
                Evaluation.notScored(), r.restarts());
        summary.write(outDir);
        return summary;
    }

    /** The summary of the run, its per-epoch figures from header (none when null). */
    private RunSummary summary(Trained r, String backend, Checkpoint.Header header, Evaluation test, int restarts) {
        TrainingConfig t = r.config().training();
        WorkerResult lead = r.lead();
        // Throughput over the step loops, as the local trainer measures it; a relaunch's lost
        // attempt and the job's start-up count in wall_seconds only.
        double loopSeconds = lead.trainSeconds() > 0 ? lead.trainSeconds() : r.trainSeconds();
        return new RunSummary(r.plan().spec().name(), backend, r.precision().word(), r.isas(), r.shape().threads(),
                t.epochs(), t.seed(), r.sizes().train(), r.sizes().validation(), r.sizes().test(),
                header != null ? header.trainLoss() : List.of(), header != null ? header.valAccuracy() : List.of(),
                header != null ? header.valLoss() : List.of(), test.accuracy(), test.loss(),
                lead.steps() * (double) t.batchSize() / loopSeconds, loopSeconds, (System.nanoTime() - r.wallStart()) / 1e9,
                r.statistics().channelMean(),
                RunSummary.DataFeed.of(lead.dataHeld(), lead.dataWaitMillisPerStep(), loopSeconds, lead.steps(),
                        lead.heapAfterGc(), lead.heapMax()),
                new RunSummary.Distributed(r.shape().master(), r.shape().workers(), r.config().distributed().sync(), restarts,
                        lead.allReduceMillisPerStep(), lead.computeMillisPerStep(), r.checkpointDir()),
                EpochLoop.Stop.valueOf(lead.stop()).name().toLowerCase(java.util.Locale.ROOT), lead.stopMessage(), r.config());
    }

    /** Every progress event rank 0 sent (steps, epochs, checkpoints, restarts), one JSON object a line. */
    private static void writeMetrics(ProgressServer server, Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (var e : server.events()) {
            lines.append(e.toString()).append('\n');
        }
        java.nio.file.Files.writeString(file, lines);
    }
}
