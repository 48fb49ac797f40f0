package io.sparkconv.driver.distributed;

import java.io.Serializable;

/** What a barrier task returns: rank 0 carries the final parameters, the others only their rank. */
public record WorkerResult(int rank, int stageAttempt, float[] params, double allReduceMillisPerStep,
                           double computeMillisPerStep, long steps) implements Serializable {}
