package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.checkpoint.CheckpointWriter;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.ring.RingAllReduce;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.FaultInjection;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.driver.train.ShardBatches;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.CheckpointSink;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.NetPasses;
import io.sparkconv.kernels.train.TrainingProgress;
import io.sparkconv.kernels.train.TrainingState;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.util.Optional;

/**
 * One of K long-lived workers of a synchronous data-parallel run: it holds a replica of the net and
 * its shard of the training split for the whole run, and runs the {@link EpochLoop} with the ring as
 * its communicator: its share of each global batch through forward and backward, the ring all-reduce
 * of the flat gradient (already scaled by 1/B), the same update as every other replica. No Spark job
 * per step; Spark only placed this worker.
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
        RunContext run = RunContext.of(TrainConfig.fromJson(spec.configJson()));
        TrainConfig config = run.config();
        TrainingConfig t = config.training();
        NetPlan plan = run.plan();
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        Augmenter augmenter = new Augmenter(config.augment(), spec.statistics());
        BatchPlan batches = run.batches(spec.workers());
        ShardBatches shard = new ShardBatches(data, batches, rank, augmenter, t.seed());
        Optional<Checkpoint> resume = Checkpoint.latest(spec.checkpointDir());
        int restarts = Math.max(stageAttempt, resume.map(c -> c.header().restarts()).orElse(0));

        try (ThreadTeam team = new ThreadTeam(spec.threads());
             Net net = Backends.select(config.runtime().backend(), config.runtime().precision())
                     .compile(plan, Math.max(shard.capacity(), t.evalBatchSize()), team);
             ProgressReporter reporter = rank == 0
                     ? new ProgressReporter(spec.progressHost(), spec.progressPort(), (int) spec.timeoutMillis()) : null) {
            if (resume.isEmpty()) {
                ParameterInit.initialize(plan, net.parameters(), t.seed());
            }
            NetPasses passes = new NetPasses(net, shard, t.batchSize(), ring,
                    n -> Evaluation.of(n, shard.validation(), augmenter, t.evalBatchSize()).scores())
                    .beforeSum((epoch, step) -> FaultInjection.maybeStall(rank, stageAttempt,
                            (long) epoch * batches.stepsPerEpoch() + step));
            // Every replica holds the same numbers; rank 0 writes them and reports.
            CheckpointSink checkpoints = rank == 0
                    ? new CheckpointWriter(spec.checkpointDir(), t.seed(), restarts, spec.configJson()) : CheckpointSink.NONE;
            TrainingProgress progress = rank == 0
                    ? new ReporterProgress(reporter, stageAttempt, ring.transport()) : TrainingProgress.NONE;
            EpochLoop.Outcome outcome = new EpochLoop(run.loopPlan(batches, spec.checkpointEvery()),
                    EpochLoop.Model.of(net), new Sgd(plan, t.sgd()), team, passes)
                    .checkpointsTo(checkpoints)
                    .reportingTo(progress)
                    .run(resume.map(Checkpoint::state).orElse(null));
            TrainingState last = outcome.last();
            return new WorkerResult(rank, stageAttempt, rank == 0 ? last.params().clone() : null,
                    passes.sumMillisPerStep(), passes.computeMillisPerStep(), outcome.stepsRun(), outcome.loopSeconds(),
                    outcome.stop().name(), outcome.message());
        }
    }
}
