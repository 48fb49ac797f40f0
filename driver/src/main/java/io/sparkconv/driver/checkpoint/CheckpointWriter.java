package io.sparkconv.driver.checkpoint;

import io.sparkconv.kernels.train.CheckpointSink;
import io.sparkconv.kernels.train.TrainingState;
import java.io.IOException;
import java.util.List;

/**
 * The epoch loop's checkpoints as {@link Checkpoint} files in one folder on any Hadoop path, each
 * with what the run adds to the loop's state: the seed, the resolved config and the restarts so far.
 */
public final class CheckpointWriter implements CheckpointSink {
    private final String dir;
    private final long seed;
    private final int restarts;
    private final String configJson;

    public CheckpointWriter(String dir, long seed, int restarts, String configJson) {
        this.dir = dir;
        this.seed = seed;
        this.restarts = restarts;
        this.configJson = configJson;
    }

    @Override
    public String write(TrainingState s) throws IOException {
        return checkpoint(s).write(dir);
    }

    /** The state as a checkpoint of this run (also what a run's model/ folder gets at the end). */
    public Checkpoint checkpoint(TrainingState s) {
        Checkpoint.Header header = new Checkpoint.Header(s.epoch(), s.step(), s.globalStep(), seed, s.params().length,
                List.copyOf(s.trainLoss()), List.copyOf(s.valAccuracy()), List.copyOf(s.valLoss()), restarts, configJson,
                s.epochLossSum());
        return new Checkpoint(header, s.params(), s.velocity());
    }
}
