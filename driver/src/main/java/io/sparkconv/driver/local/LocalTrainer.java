package io.sparkconv.driver.local;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.RuntimeConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.cv.TestLedger;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.report.RunSummary;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.net.Backends;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.HopelessRun;
import io.sparkconv.kernels.train.TrainingStep;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-process training: the reference the distributed trainer is checked against. It owns
 * where batches come from (the batch plan over the training split) and hands each batch to the
 * same {@link TrainingStep} a distributed worker runs.
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
        NetPlan plan = NetPlan.of(config.netSpec());
        // First, so a precision this CPU cannot run fails before any data is read.
        Backend backend = Backends.select(config.runtime().backend(), config.runtime().precision());
        String isa = OneDnn.available() ? OneDnn.isa().name() : "no oneDNN";
        // What the model and the summary record: the precision this run resolved to, not "auto".
        RuntimeConfig r = config.runtime();
        TrainConfig resolved = config.withRuntime(new RuntimeConfig(r.backend(), r.threads(), backend.precision().word()));
        Path dataDir = Path.of(config.data().path());
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        ImageSet train = data.train();
        ImageSet validation = data.validation();
        ImageSet test = data.test();
        Augmenter augmenter = Augmenter.fit(config.augment(), train);
        int threads = config.runtime().resolvedThreads();
        progress.print(plan);
        progress.printf("data: %,d train, %,d validation, %,d test images from %s; channel mean %s%n",
                train.size(), validation.size(), test.size(), dataDir, java.util.Arrays.toString(augmenter.statistics().channelMean()));

        try (ThreadTeam team = new ThreadTeam(threads);
             Net net = backend.compile(plan, Math.max(t.batchSize(), t.evalBatchSize()), team)) {
            progress.printf("backend %s, %s (oneDNN ISA %s), %d threads, batch %d, %d epochs, seed %d%n",
                    net.backend(), backend.precision().word(), isa, threads, t.batchSize(), t.epochs(), t.seed());
            ParameterInit.initialize(plan, net.parameters(), t.seed());
            net.parametersChanged();
            TrainingStep step = new TrainingStep(net, new Sgd(plan, t.sgd()), team);
            // workers > 1 replays the global batches a K-worker run draws from its K shards.
            BatchPlan batches = new BatchPlan(t.seed(), train.size(), t.batchSize(), config.distributed().replayWorkers());
            Batch batch = new Batch(t.batchSize(), plan.input().size());

            List<Double> trainLoss = new ArrayList<>();
            List<Double> valAccuracy = new ArrayList<>();
            List<Double> valLoss = new ArrayList<>();
            long trainNanos = 0;
            long imagesTrained = 0;
            ProgressDisplay display = ProgressDisplay.open(progress, Duration.ofSeconds(10));
            for (int epoch = 0; epoch < t.epochs(); epoch++) {
                int[][] orders = batches.shardOrders(epoch);
                double lossSum = 0;
                long epochStart = System.nanoTime();
                int steps = batches.stepsPerEpoch();
                for (int s = 0; s < steps; s++) {
                    int[] positions = batches.globalBatch(orders, s);
                    int n = positions.length;
                    augmenter.fill(train, positions, 0, n, batch, epoch, t.seed());
                    double progressEpochs = epoch + (double) s / steps;
                    double lr = t.sgd().lr() * t.schedule().factor(progressEpochs, t.epochs());
                    lossSum += step.run(batch, lr);
                    imagesTrained += n;
                    display.step(epoch, t.epochs(), s + 1, steps, lossSum / (s + 1),
                            (double) (s + 1) * t.batchSize() / ((System.nanoTime() - epochStart) / 1e9));
                }
                long epochNanos = System.nanoTime() - epochStart;
                trainNanos += epochNanos;
                trainLoss.add(lossSum / steps);
                Evaluation val = validation.size() > 0
                        ? Evaluation.of(net, validation, augmenter, t.evalBatchSize())
                        : new Evaluation(Double.NaN, Double.NaN, 0);
                valAccuracy.add(val.accuracy());
                valLoss.add(val.loss());
                display.line(String.format("epoch %d/%d: train loss %.4f, validation accuracy %.4f (loss %.4f), %.1f s, %.0f img/s",
                        epoch + 1, t.epochs(), lossSum / steps, val.accuracy(), val.loss(), epochNanos / 1e9,
                        train.size() / (epochNanos / 1e9)));
                if (HopelessRun.shouldStop(epoch + 1, t.stopHopelessAfter(), lossSum / steps, val.accuracy(), plan.classes())) {
                    display.line(String.format("stopping after epoch %d: the run is hopeless (%s)", epoch + 1,
                            Double.isFinite(lossSum / steps) ? "validation accuracy near chance" : "training loss diverged"));
                    break;
                }
            }
            display.close();
            // Epochs trained: fewer than configured when the hopeless-run rule stopped the run.
            int epochsDone = trainLoss.size();
            Checkpoint.Header header = new Checkpoint.Header(epochsDone, 0, (long) epochsDone * batches.stepsPerEpoch(),
                    t.seed(), plan.paramCount(), trainLoss, valAccuracy, valLoss, 0, resolved.toJson());
            new Checkpoint(header, net.parameters(), step.sgd().velocity())
                    .write(outDir.resolve("model").toAbsolutePath().toUri().toString());
            // The test split is scored once, here, after every training decision is made.
            Evaluation testEval = Evaluation.of(net, test, augmenter, t.evalBatchSize());
            double trainSeconds = trainNanos / 1e9;
            RunSummary summary = new RunSummary(plan.spec().name(), net.backend(), backend.precision().word(), isa,
                    threads, t.epochs(), t.seed(),
                    train.size(), validation.size(), test.size(), trainLoss, valAccuracy, valLoss,
                    testEval.accuracy(), testEval.loss(), imagesTrained / trainSeconds, trainSeconds,
                    (System.nanoTime() - wallStart) / 1e9, augmenter.statistics().channelMean(), null, resolved);
            Path written = summary.write(outDir);
            TestLedger.forUser().noteUse(config.data(), "train", outDir.toAbsolutePath().toString(),
                    testEval.accuracy(), progress, false);
            progress.printf("test accuracy %.4f (loss %.4f) on %,d images; %.0f training img/s; summary in %s%n",
                    testEval.accuracy(), testEval.loss(), test.size(), summary.imagesPerSecond(), written);
            return summary;
        }
    }
}
