package io.sparkconv.driver.distributed;

import java.io.Serializable;

/**
 * What a barrier task returns: rank 0 carries the final parameters, the others only their rank.
 *
 * @param trainSeconds time in this attempt's step loops only (no data loading, validation or checkpoints)
 * @param stop         how the epoch loop ended ({@link io.sparkconv.kernels.train.EpochLoop.Stop}'s name)
 * @param stopMessage  why it stopped early; null when it completed
 * @param testScores   the test split's sums over all workers (correct, loss sum, images); null when not scored
 * @param dataWaitMillisPerStep mean time a step waited for its batch
 * @param dataHeld     how the worker held its part of the training split
 * @param backend      the kernels the worker's net ran on (onednn, java)
 * @param heapAfterGc  the worker's heap in use after collections when training ended, bytes
 * @param heapMax      the heap its JVM may grow to, bytes
 */
public record WorkerResult(int rank, int stageAttempt, float[] params, double allReduceMillisPerStep,
                           double computeMillisPerStep, long steps, double trainSeconds, String stop,
                           String stopMessage, float[] testScores, double dataWaitMillisPerStep,
                           String dataHeld, String backend, long heapAfterGc, long heapMax) implements Serializable {}
