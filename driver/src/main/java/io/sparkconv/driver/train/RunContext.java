package io.sparkconv.driver.train;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.EpochLoop;

/**
 * What every process of a run derives from its resolved config, once: the net plan, and the shape
 * of the epoch loop every mode runs.
 */
public record RunContext(TrainConfig config, NetPlan plan) {
    public static RunContext of(TrainConfig config) {
        return new RunContext(config, NetPlan.of(config.netSpec()));
    }

    /** The loop over these batches, checkpointing every checkpointEvery steps (0: at epoch ends only). */
    public EpochLoop.Plan loopPlan(BatchPlan batches, int checkpointEvery) {
        TrainingConfig t = config.training();
        return new EpochLoop.Plan(t.epochs(), batches.stepsPerEpoch(), t.batchSize(), t.sgd().lr(), t.schedule(),
                checkpointEvery, t.stopHopelessAfter(), plan.classes());
    }
}
