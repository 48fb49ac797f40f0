package io.sparkconv.driver.train;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.EpochLoop;
import java.io.IOException;

/**
 * What every process of a run derives from its resolved config, once: the net plan, the sizes of
 * its splits (from the manifest or the IDX headers: no pixels are read to plan a run), and the
 * shape of the epoch loop every mode runs. A plan that cannot work fails here, before any data is
 * loaded or Spark starts.
 */
public record RunContext(TrainConfig config, NetPlan plan, TrainingData.Sizes sizes) {
    public static RunContext of(TrainConfig config) throws IOException {
        RunContext c = new RunContext(config, NetPlan.of(config.netSpec()), TrainingData.sizes(config.data()));
        c.batches(config.distributed().replayWorkers());
        return c;
    }

    /** The batch plan of K workers over the training split (K = 1 for one process). */
    public BatchPlan batches(int workers) {
        TrainingConfig t = config.training();
        return new BatchPlan(t.seed(), sizes.train(), t.batchSize(), workers);
    }

    /** The loop over these batches, checkpointing every checkpointEvery steps (0: at epoch ends only). */
    public EpochLoop.Plan loopPlan(BatchPlan batches, int checkpointEvery) {
        TrainingConfig t = config.training();
        return new EpochLoop.Plan(t.epochs(), batches.stepsPerEpoch(), t.batchSize(), t.sgd().lr(), t.schedule(),
                checkpointEvery, t.stopHopelessAfter(), plan.classes());
    }
}
