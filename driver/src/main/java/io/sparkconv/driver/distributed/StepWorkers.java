package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.driver.train.ShardBatches;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.Communicator;
import io.sparkconv.kernels.train.NetPasses;
import io.sparkconv.kernels.train.ValidationScores;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor side of {@code sync: spark}: one worker state per (run, rank), kept in the executor
 * JVM between the per-step jobs so the shard is loaded and the net compiled once, not once per step.
 * Its passes are a replica's own ({@link NetPasses} with no communicator): the job's treeAggregate sums them.
 */
final class StepWorkers {
    private static final Map<String, StepWorkers> LIVE = new ConcurrentHashMap<>();

    private final ThreadTeam team;
    private final Net net;
    private final NetPasses passes;

    private StepWorkers(WorkerSpec spec, int rank) throws IOException {
        RunContext run = RunContext.of(TrainConfig.fromJson(spec.configJson()));
        TrainConfig config = run.config();
        TrainingConfig t = config.training();
        NetPlan plan = run.plan();
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        BatchPlan batches = run.batches(spec.workers());
        Augmenter augmenter = new Augmenter(config.augment(), spec.statistics());
        ShardBatches shard = new ShardBatches(data, batches, rank, augmenter, t.seed());
        this.team = new ThreadTeam(spec.threads());
        this.net = Backends.select(config.runtime().backend(), config.runtime().precision())
                .compile(plan, Math.max(shard.capacity(), t.evalBatchSize()), team);
        this.passes = new NetPasses(net, shard, t.batchSize(), Communicator.SINGLE,
                n -> Evaluation.of(n, shard.validation(), augmenter, t.evalBatchSize()).scores());
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
    synchronized float[] gradient(float[] params, int epoch, int step) throws IOException {
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        double loss = passes.gradient(epoch, step);
        float[] out = new float[params.length + 1];
        System.arraycopy(net.gradients(), 0, out, 0, params.length);
        out[params.length] = (float) loss;
        return out;
    }

    /** [correct, loss sum, images] on this rank's validation shard. */
    synchronized float[] validate(float[] params) throws IOException {
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        ValidationScores v = passes.validate();
        return new float[] {(float) v.correct(), (float) v.lossSum(), v.images()};
    }
}
