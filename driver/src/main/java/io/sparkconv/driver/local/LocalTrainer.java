package io.sparkconv.driver.local;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.checkpoint.CheckpointWriter;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.stream.StreamingBatches;
import io.sparkconv.driver.stream.TrainingPart;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.driver.train.TrainingStatistics;
import io.sparkconv.prep.augment.PixelStatistics;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.progress.DisplayProgress;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.report.HeapUse;
import io.sparkconv.driver.report.RunSummary;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.FaultInjection;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.driver.train.TrainingFailedException;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.Communicator;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.NetPasses;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Single-process training ({@code master: none}): the reference the distributed trainer is
 * checked against. The {@link EpochLoop} with this process as the only replica: the whole global
 * batch (the batches of a K-worker run, for any K) through one net, no sums.
 * Checkpoints go to {@code distributed.checkpoint_dir} (default {@code OUT/checkpoints}) as in a
 * Spark run, so {@code train --resume} continues a local run too.
 */
public final class LocalTrainer {
    private final TrainConfig config;
    private final PrintStream progress;

    public LocalTrainer(TrainConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    public RunSummary run(Path outDir) throws IOException {
        long wallStart = System.nanoTime();
        TrainingConfig t = config.training();
        // First, so a precision this CPU cannot run fails before any data is read.
        Backend backend = Backends.select(config.runtime().backend(), config.runtime().precision());
        String isa = OneDnn.available() ? OneDnn.isa().name() : "no oneDNN";
        // What the model and the summary record: the precision this run resolved to, not "auto".
        RunContext run = RunContext.of(config.with("runtime.precision", backend.precision().word()));
        TrainConfig resolved = run.config();
        NetPlan plan = run.plan();
        RunData data = RunData.open(config.data());
        PixelStatistics statistics = TrainingStatistics.local(config.data(), config.augment(), data.train());
        Augmenter augmenter = new Augmenter(config.augment(), statistics);
        TrainingPart part = TrainingPart.of(data.train(), run.batches(), 0, 1, config.data());
        RunData.Sizes sizes = run.sizes();
        int threads = config.runtime().resolvedThreads();
        progress.print(plan);
        progress.printf("data: %,d train, %,d validation, %,d test images from %s; channel mean %s%n",
                sizes.train(), sizes.validation(), sizes.test(), config.data().path(),
                Arrays.toString(statistics.channelMean()));
        progress.printf("data: %s%n", part.description());
        String checkpointDir = config.distributed().checkpointDir() != null ? config.distributed().checkpointDir()
                : outDir.resolve("checkpoints").toAbsolutePath().toUri().toString();
        Optional<Checkpoint> resume = Checkpoint.latest(checkpointDir);

        // The whole global batch through one net: the batches of any K-worker run, summed in one pass,
        // in the order K = distributed.workers sum them (worker by worker), so the sums round alike.
        try (StreamingBatches batches = new StreamingBatches(run.batches(), 0, 1, part.units(),
                     new Augmenter(config.augment(), statistics), t.seed(), t.epochs(), 2,
                     Math.max(1, Math.min(config.distributed().workers(), run.batches().shards())))
                .startAt(resume.map(c -> c.header().epoch()).orElse(0), resume.map(c -> c.header().step()).orElse(0));
             ThreadTeam team = new ThreadTeam(threads);
             Net net = backend.compile(plan, Math.max(batches.capacity(), t.evalBatchSize()), team)) {
            progress.printf("backend %s, %s (oneDNN ISA %s), %d threads, batch %d, %d epochs, seed %d%n",
                    net.backend(), backend.precision().word(), isa, threads, t.batchSize(), t.epochs(), t.seed());
            if (resume.isEmpty()) {
                ParameterInit.initialize(plan, net.parameters(), t.seed());
            }
            int steps = run.batches().stepsPerEpoch();
            SplitUnits validation = data.validation();
            NetPasses passes = new NetPasses(net, batches, t.batchSize(), Communicator.SINGLE,
                    n -> Evaluation.over(n, validation, validation.unitsOf(0, 1), augmenter, t.evalBatchSize()))
                    .beforeSum((epoch, step) -> FaultInjection.maybeFail((long) epoch * steps + step));
            CheckpointWriter checkpoints = new CheckpointWriter(checkpointDir, t.seed(), 0, resolved.toJson());
            EpochLoop.Outcome outcome;
            try (ProgressDisplay display = ProgressDisplay.open(progress, Duration.ofSeconds(10))) {
                outcome = new EpochLoop(run.loopPlan(config.distributed().checkpointEvery()),
                        EpochLoop.Model.of(net), new Sgd(plan, t.sgd()), team, passes)
                        .checkpointsTo(checkpoints)
                        .reportingTo(new DisplayProgress(display))
                        .run(resume.map(Checkpoint::state).orElse(null));
            }
            long heapAfterGc = HeapUse.afterCollections();
            if (outcome.stop() == EpochLoop.Stop.DIVERGED) {
                throw TrainingFailedException.diverged(outcome.message(), checkpointDir);
            }
            checkpoints.checkpoint(outcome.last()).write(outDir.resolve("model").toAbsolutePath().toUri().toString());
            TrainedModel.writeAlongside(outDir.resolve("model"), statistics, resolved, plan.classes());
            // The test split is scored once, here, after every training decision is made.
            SplitUnits test = data.test();
            Evaluation testEval = Evaluation.of(Evaluation.over(net, test, test.unitsOf(0, 1), augmenter, t.evalBatchSize()));
            RunSummary summary = new RunSummary(plan.spec().name(), net.backend(), backend.precision().word(), isa,
                    threads, t.epochs(), t.seed(), sizes.train(), sizes.validation(), sizes.test(),
                    outcome.last().trainLoss(), outcome.last().valAccuracy(), outcome.last().valLoss(),
                    testEval.accuracy(), testEval.loss(), outcome.stepsRun() * (double) t.batchSize() / outcome.loopSeconds(),
                    outcome.loopSeconds(), (System.nanoTime() - wallStart) / 1e9, statistics.channelMean(),
                    RunSummary.DataFeed.of(part.description(), passes.dataWaitMillisPerStep(), outcome.loopSeconds(),
                            outcome.stepsRun(), heapAfterGc, HeapUse.max()),
                    null,
                    outcome.stop().name().toLowerCase(java.util.Locale.ROOT), outcome.message(), resolved);
            Path written = summary.write(outDir);
            TestLedger.forUser().noteUse(config.data(), "train", outDir.toAbsolutePath().toString(),
                    testEval.accuracy(), progress, false);
            progress.printf("test accuracy %.4f (loss %.4f) on %,d images; %.0f training img/s; summary in %s%n",
                    testEval.accuracy(), testEval.loss(), testEval.images(), summary.imagesPerSecond(), written);
            return summary;
        }
    }
}
