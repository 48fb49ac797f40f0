package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.checkpoint.CheckpointWriter;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.report.HeapUse;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.stream.StreamingBatches;
import io.sparkconv.driver.stream.TrainingPart;
import io.sparkconv.driver.ring.RingAllReduce;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.FaultInjection;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.CheckpointSink;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.NetPasses;
import io.sparkconv.kernels.train.TrainingProgress;
import io.sparkconv.kernels.train.TrainingState;
import io.sparkconv.kernels.train.ValidationScores;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of K long-lived workers of a synchronous data-parallel run: it holds a replica of the net and
 * streams its virtual shards of the training split for the whole run, and runs the {@link EpochLoop} with the ring as
 * its communicator: its share of each global batch through forward and backward, the ring all-reduce
 * of the flat gradient (already scaled by 1/B), the same update as every other replica. No Spark job
 * per step; Spark only placed this worker.
 */
public final class TrainingWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingWorker.class);
    private final WorkerSpec spec;
    private final int rank;
    private final RingAllReduce ring;

    public TrainingWorker(WorkerSpec spec, int rank, RingAllReduce ring) {
        this.spec = spec;
        this.rank = rank;
        this.ring = ring;
    }

    public WorkerResult run(int stageAttempt) throws IOException {
        RunContext run = RunContext.of(TrainConfig.fromJson(spec.configJson())).checkWorkers(spec.workers());
        TrainConfig config = run.config();
        TrainingConfig t = config.training();
        NetPlan plan = run.plan();
        RunData data = RunData.open(config.data());
        Augmenter augmenter = new Augmenter(config.augment(), spec.statistics());
        TrainingPart part = TrainingPart.of(data.train(), run.batches(), rank, spec.workers(), config.data());
        LOG.info("{}", part.description());
        Optional<Checkpoint> resume = Checkpoint.latest(spec.checkpointDir());
        int restarts = Math.max(stageAttempt, resume.map(c -> c.header().restarts()).orElse(0));
        int steps = run.batches().stepsPerEpoch();
        SplitUnits validation = data.validation();

        try (StreamingBatches batches = new StreamingBatches(run.batches(), rank, spec.workers(), part.units(),
                     new Augmenter(config.augment(), spec.statistics()), t.seed(), t.epochs(), 2)
                .startAt(resume.map(c -> c.header().epoch()).orElse(0), resume.map(c -> c.header().step()).orElse(0));
             ThreadTeam team = new ThreadTeam(spec.threads());
             Net net = Backends.select(config.runtime().backend(), config.runtime().precision())
                     .compile(plan, Math.max(batches.capacity(), t.evalBatchSize()), team);
             ProgressReporter reporter = rank == 0
                     ? new ProgressReporter(spec.progressHost(), spec.progressPort(), (int) spec.timeoutMillis()) : null) {
            if (resume.isEmpty()) {
                ParameterInit.initialize(plan, net.parameters(), t.seed());
            }
            NetPasses passes = new NetPasses(net, FaultInjection.traced(batches, rank, stageAttempt), t.batchSize(), ring,
                    n -> Evaluation.over(n, validation, validation.unitsOf(rank, spec.workers()), augmenter, t.evalBatchSize()))
                    .beforeSum((epoch, step) -> FaultInjection.maybeStall(rank, stageAttempt, (long) epoch * steps + step));
            // Every replica holds the same numbers; rank 0 writes them and reports.
            CheckpointSink checkpoints = rank == 0
                    ? new CheckpointWriter(spec.checkpointDir(), t.seed(), restarts, spec.configJson()) : CheckpointSink.NONE;
            TrainingProgress progress = rank == 0
                    ? new ReporterProgress(reporter, stageAttempt, ring.transport()) : TrainingProgress.NONE;
            EpochLoop.Outcome outcome = new EpochLoop(run.loopPlan(spec.checkpointEvery()),
                    EpochLoop.Model.of(net), new Sgd(plan, t.sgd()), team, passes)
                    .checkpointsTo(checkpoints)
                    .reportingTo(progress)
                    .run(resume.map(Checkpoint::state).orElse(null));
            TrainingState last = outcome.last();
            long heapAfterGc = HeapUse.afterCollections();
            float[] test = null;
            if (spec.scoreTest() && outcome.stop() != EpochLoop.Stop.DIVERGED) {
                // The test split scored once, after every training decision: each worker its units, summed.
                SplitUnits testUnits = data.test();
                ValidationScores mine = Evaluation.over(net, testUnits, testUnits.unitsOf(rank, spec.workers()), augmenter,
                        t.evalBatchSize());
                test = new float[] {(float) mine.correct(), (float) mine.lossSum(), mine.images()};
                ring.sum(test, 0, test.length);
            }
            return new WorkerResult(rank, stageAttempt, rank == 0 ? last.params().clone() : null,
                    passes.sumMillisPerStep(), passes.computeMillisPerStep(), outcome.stepsRun(), outcome.loopSeconds(),
                    outcome.stop().name(), outcome.message(), test, passes.dataWaitMillisPerStep(), part.description(),
                    net.backend(), heapAfterGc, HeapUse.max());
        }
    }
}
