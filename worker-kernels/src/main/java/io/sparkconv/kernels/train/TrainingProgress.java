package io.sparkconv.kernels.train;

/**
 * What the loop reports as it goes: every step, every epoch's figures, checkpoints and a stop.
 * Called on every step; an implementation throttles its own output.
 */
public interface TrainingProgress {
    TrainingProgress NONE = new TrainingProgress() {};

    /** The loop starts at (epoch, step), resumed or not. */
    default void started(int epoch, int step, boolean resumed) {}

    /**
     * After step {@code step} (1-based within the epoch) of epoch {@code epoch} (0-based).
     *
     * @param meanLoss        the epoch's mean batch loss so far
     * @param imagesPerSecond over the epoch's steps so far
     */
    default void step(int epoch, int epochs, int step, int steps, double meanLoss, double imagesPerSecond) {}

    /** Epoch {@code epoch} (0-based) is done. */
    default void epoch(int epoch, int epochs, double trainLoss, ValidationScores validation, double seconds, long images) {}

    default void checkpoint(int epoch, int step, String path) {}

    /** The run stopped before its last epoch: {@code message} says why, in words a user reads. */
    default void stopped(int epoch, int step, EpochLoop.Stop why, String message) {}
}
