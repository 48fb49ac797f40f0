package io.sparkconv.driver.distributed;

import java.io.Serializable;

/**
 * Everything a training worker needs, shipped once with the barrier stage.
 *
 * @param configJson     the resolved config ({@link io.sparkconv.driver.config.TrainConfig#toJson})
 * @param workers        K
 * @param threads        kernel threads per worker (the executor's task cores)
 * @param channelMean    per-channel mean of the training split, computed once by the driver
 * @param progressHost   where the driver listens for rank 0's progress lines
 * @param runId          distinguishes this run's ring connections from any other's
 * @param checkpointDir  any Hadoop path
 */
public record WorkerSpec(String configJson, int workers, int threads, float[] channelMean,
                         String progressHost, int progressPort, long runId, String checkpointDir,
                         int checkpointEvery, long timeoutMillis) implements Serializable {}
