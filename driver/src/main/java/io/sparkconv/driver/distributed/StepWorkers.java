package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.local.Evaluation;
import io.sparkconv.kernels.net.Backends;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor side of {@code sync: spark}: one worker state per (run, rank), kept in the executor
 * JVM between the per-step jobs so the shard is loaded and the net compiled once, not once per step.
 */
final class StepWorkers {
    private static final Map<String, StepWorkers> LIVE = new ConcurrentHashMap<>();

    private final TrainConfig config;
    private final int rank;
    private final int workers;
    private final BatchPlan batches;
    private final WorkerShard shard;
    private final Augmenter augmenter;
    private final ThreadTeam team;
    private final Net net;
    private final Batch batch;
    private int orderEpoch = -1;
    private int[] order;

    private StepWorkers(WorkerSpec spec, int rank) throws IOException {
        this.config = TrainConfig.fromJson(spec.configJson());
        TrainingConfig t = config.training();
        NetPlan plan = NetPlan.of(config.netSpec());
        this.rank = rank;
        this.workers = spec.workers();
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        this.batches = new BatchPlan(t.seed(), data.train().size(), t.batchSize(), workers);
        this.augmenter = new Augmenter(config.augment(), spec.statistics());
        this.shard = new WorkerShard(data, rank, workers, augmenter);
        this.team = new ThreadTeam(spec.threads());
        this.net = Backends.select(config.runtime().backend(), config.runtime().precision())
                .compile(plan, Math.max(batches.shareSize(rank), t.evalBatchSize()), team);
        this.batch = new Batch(batches.shareSize(rank), plan.input().size());
    }

    private static String key(WorkerSpec spec, int rank) {
        return spec.runId() + "/" + rank;
    }

    static StepWorkers get(WorkerSpec spec, int rank) {
        return LIVE.computeIfAbsent(key(spec, rank), k -> {
            try {
                return new StepWorkers(spec, rank);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Training-split size as every worker sees it, read on the driver to plan the run. */
    static int trainSize(WorkerSpec spec) throws IOException {
        TrainConfig config = TrainConfig.fromJson(spec.configJson());
        NetPlan plan = NetPlan.of(config.netSpec());
        return TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name()).train().size();
    }

    /** Drops this run's worker states in the driver's JVM (local mode); executors drop theirs with the app. */
    static void release(WorkerSpec spec) {
        LIVE.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(spec.runId() + "/")) {
                e.getValue().net.close();
                e.getValue().team.close();
                return true;
            }
            return false;
        });
    }

    /** This rank's share of the step's gradient (scaled by 1/B), with its share of the loss appended. */
    synchronized float[] gradient(float[] params, int epoch, int step) {
        TrainingConfig t = config.training();
        if (orderEpoch != epoch) {
            order = batches.shardOrder(epoch, rank);
            orderEpoch = epoch;
        }
        shard.fill(batch, order, batches.shareStart(rank, step), batches.shareSize(rank), epoch, t.seed());
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        double loss = net.forwardBackward(batch, 1f / t.batchSize());
        float[] out = new float[params.length + 1];
        System.arraycopy(net.gradients(), 0, out, 0, params.length);
        out[params.length] = (float) loss;
        return out;
    }

    /** [correct, loss sum, images] on this rank's validation shard. */
    synchronized float[] validate(float[] params) {
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        Evaluation e = Evaluation.of(net, shard.validation, augmenter, config.training().evalBatchSize());
        return new float[] {(float) (e.accuracy() * e.images()), (float) (e.loss() * e.images()), e.images()};
    }
}
