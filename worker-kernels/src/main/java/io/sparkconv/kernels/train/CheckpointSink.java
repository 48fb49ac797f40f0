package io.sparkconv.kernels.train;

import java.io.IOException;

/**
 * Where the loop's checkpoints go (the driver writes them to a Hadoop path); in a ring only one
 * replica writes, since all hold the same numbers.
 */
public interface CheckpointSink {
    /** Writes nothing: the other replicas of a ring. */
    CheckpointSink NONE = state -> null;

    /** Stores the state atomically; returns where, for progress reports (null when nothing was written). */
    String write(TrainingState state) throws IOException;
}
