package io.sparkconv.kernels.train;

import java.io.IOException;

/**
 * The replicas of the net a run trains and how their passes are summed: the one place where a
 * single process, a ring of barrier workers and the one-Spark-job-per-step mode differ (as
 * PyTorch's DistributedDataParallel keeps the loop and puts the reduction behind a communication
 * hook). The {@link EpochLoop} calls it and does everything else.
 */
public interface Replicas {
    /**
     * Forward and backward of step {@code step} of epoch {@code epoch} over the whole global batch,
     * with the current parameters: every replica its share, the shares' gradients summed into the
     * run's gradient vector (already scaled by 1/B, so it is the gradient of the batch's mean loss).
     *
     * @return the batch's mean loss, summed over the replicas (the same number on every replica)
     */
    double gradient(int epoch, int step) throws IOException;

    /** The validation split scored with the current parameters, summed over the replicas' shards. */
    ValidationScores validate() throws IOException;
}
