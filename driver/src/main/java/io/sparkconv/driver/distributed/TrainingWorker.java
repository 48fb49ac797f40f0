package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.local.Evaluation;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Backends;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.HopelessRun;
import io.sparkconv.kernels.train.TrainingStep;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.driver.ring.RingAllReduce;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One of K long-lived workers of a synchronous data-parallel run: it holds a replica of the net and
 * its shard of the training split for the whole run. A step: its share of the global batch through
 * forward and backward, the ring all-reduce of the flat gradient (already scaled by 1/B), the same
 * update as every other replica. No Spark job per step; Spark only placed this worker.
 */
public final class TrainingWorker {
    private final WorkerSpec spec;
    private final int rank;
    private final RingAllReduce ring;

    public TrainingWorker(WorkerSpec spec, int rank, RingAllReduce ring) {
        this.spec = spec;
        this.rank = rank;
        this.ring = ring;
    }

    public WorkerResult run(int stageAttempt) throws IOException {
        TrainConfig config = TrainConfig.fromJson(spec.configJson());
        TrainingConfig t = config.training();
        NetPlan plan = NetPlan.of(config.netSpec());
        int k = spec.workers();
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        Augmenter augmenter = new Augmenter(config.augment(), spec.statistics());
        WorkerShard shard = new WorkerShard(data, rank, k, augmenter);
        BatchPlan batches = new BatchPlan(t.seed(), data.train().size(), t.batchSize(), k);
        int share = batches.shareSize(rank);

        try (ThreadTeam team = new ThreadTeam(spec.threads());
             Net net = Backends.select(config.runtime().backend(), config.runtime().precision()).compile(plan, Math.max(share, t.evalBatchSize()), team);
             ProgressReporter progress = rank == 0
                     ? new ProgressReporter(spec.progressHost(), spec.progressPort(), (int) spec.timeoutMillis()) : null) {
            Sgd sgd = new Sgd(plan, t.sgd());
            TrainingStep step = new TrainingStep(net, sgd, team);
            List<Double> trainLoss = new ArrayList<>();
            List<Double> valAccuracy = new ArrayList<>();
            List<Double> valLoss = new ArrayList<>();
            int startEpoch = 0;
            int startStep = 0;
            Double carriedLoss = null; // the resumed epoch's loss sum over the steps before startStep
            int restarts = stageAttempt;
            Optional<Checkpoint> resume = Checkpoint.latest(spec.checkpointDir());
            if (resume.isPresent()) {
                Checkpoint c = resume.get();
                c.restoreInto(net.parameters(), sgd.velocity(), trainLoss, valAccuracy, valLoss);
                startEpoch = c.header().epoch();
                startStep = c.header().step();
                carriedLoss = c.header().epochLossSum();
                restarts = Math.max(restarts, c.header().restarts());
            } else {
                ParameterInit.initialize(plan, net.parameters(), t.seed());
            }
            net.parametersChanged();
            if (progress != null) {
                progress.send(event("start", "epoch", startEpoch, "step", startStep, "attempt", stageAttempt,
                        "resumed", resume.isPresent(), "transport", ring.transport()));
            }

            Batch batch = new Batch(share, plan.input().size());
            float[] scalar = new float[4];
            long ringNanos = 0;
            long computeNanos = 0;
            long stepsRun = 0;
            long loopNanos = 0;
            int steps = batches.stepsPerEpoch();
            for (int epoch = startEpoch; epoch < t.epochs(); epoch++) {
                int[] order = batches.shardOrder(epoch, rank);
                double lossSum = 0;
                long epochStart = System.nanoTime();
                long lastReport = epochStart;
                int first = epoch == startEpoch ? startStep : 0;
                for (int s = first; s < steps; s++) {
                    shard.fill(batch, order, batches.shareStart(rank, s), share, epoch, t.seed());
                    long t0 = System.nanoTime();
                    double loss = step.computeGradients(batch, t.batchSize());
                    long t1 = System.nanoTime();
                    FaultInjection.maybeStall(rank, stageAttempt, (long) epoch * steps + s);
                    ring.sum(net.gradients(), 0, net.gradients().length);
                    long t2 = System.nanoTime();
                    double lr = t.sgd().lr() * t.schedule().factor(epoch + (double) s / steps, t.epochs());
                    step.applyUpdate(lr);
                    computeNanos += t1 - t0;
                    ringNanos += t2 - t1;
                    stepsRun++;
                    // This worker's share of the batch loss; the shares are summed once per epoch, not
                    // per step: a second all-reduce each step would cost a ring round trip for one float.
                    lossSum += loss;
                    long now = System.nanoTime();
                    if (progress != null && (now - lastReport > 2_000_000_000L || s == steps - 1)) {
                        // Rank 0's share scaled up to the batch: an estimate until the epoch's sum.
                        progress.send(event("step", "epoch", epoch, "epochs", t.epochs(), "step", s + 1, "steps", steps,
                                "loss", lossSum * t.batchSize() / share / (s + 1 - first),
                                "images_per_second", (double) (s + 1 - first) * t.batchSize() / ((now - epochStart) / 1e9)));
                        lastReport = now;
                    }
                    boolean epochEnd = s == steps - 1;
                    if (!epochEnd && spec.checkpointEvery() > 0 && (s + 1) % spec.checkpointEvery() == 0) {
                        // Mid-epoch checkpoints resume at the next step and carry the epoch's loss sum
                        // so far (every worker's share: one float through the ring, every N steps).
                        scalar[0] = (float) lossSum;
                        ring.sum(scalar, 0, 1);
                        Double sumSoFar = epoch == startEpoch && first > 0
                                ? (carriedLoss != null ? carriedLoss + scalar[0] : null) : (double) scalar[0];
                        checkpoint(plan, net, sgd, t, epoch, s + 1, (long) epoch * steps + s + 1,
                                trainLoss, valAccuracy, valLoss, restarts, config, progress, sumSoFar);
                    }
                }
                loopNanos += System.nanoTime() - epochStart;
                Evaluation val = Evaluation.of(net, shard.validation, augmenter, t.evalBatchSize());
                scalar[0] = (float) (val.accuracy() * val.images());
                scalar[1] = (float) (val.loss() * val.images());
                scalar[2] = val.images();
                scalar[3] = (float) lossSum;
                ring.sum(scalar, 0, 4);
                boolean carried = first > 0 && carriedLoss != null;
                double epochTrainLoss = (scalar[3] + (carried ? carriedLoss : 0)) / Math.max(1, carried ? steps : steps - first);
                trainLoss.add(epochTrainLoss);
                valAccuracy.add(scalar[2] > 0 ? scalar[0] / scalar[2] : Double.NaN);
                valLoss.add(scalar[2] > 0 ? scalar[1] / scalar[2] : Double.NaN);
                if (progress != null) {
                    progress.send(event("epoch", "epoch", epoch, "train_loss", epochTrainLoss,
                            "val_accuracy", valAccuracy.get(valAccuracy.size() - 1), "val_loss", valLoss.get(valLoss.size() - 1),
                            "seconds", (System.nanoTime() - epochStart) / 1e9,
                            "images", (long) (steps - first) * t.batchSize()));
                }
                checkpoint(plan, net, sgd, t, epoch + 1, 0, (long) (epoch + 1) * steps,
                        trainLoss, valAccuracy, valLoss, restarts, config, progress, null);
                // Every replica holds the same reduced figures, so every replica stops here too.
                if (HopelessRun.shouldStop(epoch + 1, t.stopHopelessAfter(), epochTrainLoss,
                        valAccuracy.get(valAccuracy.size() - 1), plan.classes())) {
                    if (progress != null) {
                        progress.send(event("stopped", "epoch", epoch + 1, "reason", "hopeless"));
                    }
                    break;
                }
            }
            double perStep = Math.max(1, stepsRun);
            return new WorkerResult(rank, stageAttempt, rank == 0 ? net.parameters().clone() : null,
                    ringNanos / 1e6 / perStep, computeNanos / 1e6 / perStep, stepsRun, loopNanos / 1e9);
        }
    }

    private void checkpoint(NetPlan plan, Net net, Sgd sgd, TrainingConfig t, int epoch, int step, long globalStep,
                            List<Double> trainLoss, List<Double> valAccuracy, List<Double> valLoss, int restarts,
                            TrainConfig config, ProgressReporter progress, Double epochLossSum) throws IOException {
        if (rank != 0) {
            return; // every replica holds the same numbers; one writes them
        }
        Checkpoint.Header header = new Checkpoint.Header(epoch, step, globalStep, t.seed(), plan.paramCount(),
                List.copyOf(trainLoss), List.copyOf(valAccuracy), List.copyOf(valLoss), restarts, spec.configJson(),
                epochLossSum);
        String path = new Checkpoint(header, net.parameters(), sgd.velocity()).write(spec.checkpointDir());
        if (progress != null) {
            progress.send(event("checkpoint", "epoch", epoch, "step", step, "path", path));
        }
    }

    static Map<String, Object> event(String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
