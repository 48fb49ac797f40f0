package io.sparkconv.driver.distributed;

import java.io.Serializable;

/**
 * What a barrier task returns: rank 0 carries the final parameters, the others only their rank.
 *
 * @param trainSeconds time in this attempt's step loops only (no data loading, validation or checkpoints)
 * @param stop         how the epoch loop ended ({@link io.sparkconv.kernels.train.EpochLoop.Stop}'s name)
 * @param stopMessage  why it stopped early; null when it completed
 */
public record WorkerResult(int rank, int stageAttempt, float[] params, double allReduceMillisPerStep,
                           double computeMillisPerStep, long steps, double trainSeconds, String stop,
                           String stopMessage) implements Serializable {}
