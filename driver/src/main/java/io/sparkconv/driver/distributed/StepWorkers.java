package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.stream.StreamingBatches;
import io.sparkconv.driver.stream.TrainingPart;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.Communicator;
import io.sparkconv.kernels.train.NetPasses;
import io.sparkconv.kernels.train.ValidationScores;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of {@code sync: spark}: one worker state per (run, rank), kept in the executor
 * JVM between the per-step jobs so the shard's streams and the net are set up once, not once per step.
 * Its passes are a replica's own ({@link NetPasses} with no communicator): the job's treeAggregate sums them.
 */
final class StepWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(StepWorkers.class);
    private static final Map<String, StepWorkers> LIVE = new ConcurrentHashMap<>();

    private final ThreadTeam team;
    private final Net net;
    private final NetPasses passes;
    private final StreamingBatches batches;
    private final RunData data;
    private final Augmenter augmenter;
    private final int rank;
    private final int workers;
    private final int evalBatch;
    private final String held;

    private StepWorkers(WorkerSpec spec, int rank) throws IOException {
        RunContext run = RunContext.of(TrainConfig.fromJson(spec.configJson())).checkWorkers(spec.workers());
        TrainConfig config = run.config();
        TrainingConfig t = config.training();
        NetPlan plan = run.plan();
        this.data = RunData.open(config.data());
        this.rank = rank;
        this.workers = spec.workers();
        this.evalBatch = t.evalBatchSize();
        this.augmenter = new Augmenter(config.augment(), spec.statistics());
        TrainingPart part = TrainingPart.of(data.train(), run.batches(), rank, workers, config.data());
        LOG.info("{}", part.description());
        this.held = part.description();
        this.batches = new StreamingBatches(run.batches(), rank, workers, part.units(),
                new Augmenter(config.augment(), spec.statistics()), t.seed(), t.epochs(), 2);
        this.team = new ThreadTeam(spec.threads());
        this.net = Backends.select(config.runtime().backend(), config.runtime().precision())
                .compile(plan, Math.max(batches.capacity(), t.evalBatchSize()), team);
        SplitUnits validation = data.validation();
        this.passes = new NetPasses(net, batches, t.batchSize(), Communicator.SINGLE,
                n -> Evaluation.over(n, validation, validation.unitsOf(rank, workers), augmenter, evalBatch));
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
                e.getValue().batches.close();
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

    String backend() {
        return net.backend();
    }

    String held() {
        return held;
    }

    /** [correct, loss sum, images] on this rank's units of the test split. */
    synchronized float[] test(float[] params) throws IOException {
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        SplitUnits test = data.test();
        ValidationScores v = Evaluation.over(net, test, test.unitsOf(rank, workers), augmenter, evalBatch);
        return new float[] {(float) v.correct(), (float) v.lossSum(), v.images()};
    }

    /** [correct, loss sum, images] on this rank's validation shard. */
    synchronized float[] validate(float[] params) throws IOException {
        System.arraycopy(params, 0, net.parameters(), 0, params.length);
        net.parametersChanged();
        ValidationScores v = passes.validate();
        return new float[] {(float) v.correct(), (float) v.lossSum(), v.images()};
    }
}
