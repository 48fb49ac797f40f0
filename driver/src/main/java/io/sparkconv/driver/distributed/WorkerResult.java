package io.sparkconv.driver.distributed;

import java.io.Serializable;

/**
 * What a barrier task returns: rank 0 carries the final parameters, the others only their rank.
 *
 * @param trainSeconds time in this attempt's step loops only (no data loading, validation or checkpoints)
 */
public record WorkerResult(int rank, int stageAttempt, float[] params, double allReduceMillisPerStep,
                           double computeMillisPerStep, long steps, double trainSeconds) implements Serializable {}
