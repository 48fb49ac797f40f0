package io.sparkconv.driver.distributed;

import io.sparkconv.prep.augment.PixelStatistics;
import java.io.Serializable;

/**
 * Everything a training worker needs, shipped once with the barrier stage.
 *
 * @param configJson     the resolved config ({@link io.sparkconv.driver.config.TrainConfig#toJson})
 * @param workers        K
 * @param threads        kernel threads per worker (the executor's task cores)
 * @param statistics     what the augmenter normalizes by, measured once on the training part (the manifest's, or a Spark job's)
 * @param progressHost   where the driver listens for rank 0's progress lines
 * @param runId          distinguishes this run's ring connections from any other's
 * @param checkpointDir  any Hadoop path
 * @param attempt        how many times the driver has launched the training job before this one
 * @param scoreTest      whether the workers score the test split once training is over
 */
public record WorkerSpec(String configJson, int workers, int threads, PixelStatistics statistics,
                         String progressHost, int progressPort, long runId, String checkpointDir,
                         int checkpointEvery, long timeoutMillis, int attempt, boolean scoreTest) implements Serializable {
    public WorkerSpec nextAttempt() {
        return new WorkerSpec(configJson, workers, threads, statistics, progressHost, progressPort, runId,
                checkpointDir, checkpointEvery, timeoutMillis, attempt + 1, scoreTest);
    }
}
