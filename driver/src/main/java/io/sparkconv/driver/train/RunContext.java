package io.sparkconv.driver.train;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.StreamPlan;
import java.io.IOException;

/**
 * What every process of a run derives from its resolved config, once: the net plan, the data's
 * layout (from the manifest or the IDX headers: no pixels are read to plan a run), the batches of
 * every step ({@link StreamPlan}: the same for any number of workers), and the shape of the epoch
 * loop every mode runs. A plan that cannot work fails here, before any data is read or Spark starts.
 */
public record RunContext(TrainConfig config, NetPlan plan, RunData.Layout layout, StreamPlan batches) {
    public static RunContext of(TrainConfig config) throws IOException {
        NetPlan plan = NetPlan.of(config.netSpec());
        DataConfig data = config.data();
        RunData.Layout layout = RunData.layout(data);
        Shape seen = config.augment().outputShape(layout.shape());
        if (!seen.equals(plan.input())) {
            throw new IllegalArgumentException("net '" + plan.spec().name() + "' takes " + plan.input() + " images but "
                    + data.path() + " holds " + layout.shape()
                    + (seen.equals(layout.shape()) ? "" : ", which augment crops to " + seen));
        }
        TrainingConfig t = config.training();
        StreamPlan batches = new StreamPlan(t.seed(), layout.trainUnits(), data.virtualShards(), t.batchSize());
        return new RunContext(config, plan, layout, batches);
    }

    public RunData.Sizes sizes() {
        return layout.sizes();
    }

    /**
     * Checks that K workers can share the batches.
     *
     * @return this
     */
    public RunContext checkWorkers(int workers) {
        batches.checkWorkers(workers);
        return this;
    }

    /** The loop over the batches, checkpointing every checkpointEvery steps (0: at epoch ends only). */
    public EpochLoop.Plan loopPlan(int checkpointEvery) {
        TrainingConfig t = config.training();
        return new EpochLoop.Plan(t.epochs(), batches.stepsPerEpoch(), t.batchSize(), t.sgd().lr(), t.schedule(),
                checkpointEvery, t.stopHopelessAfter(), plan.classes());
    }
}
