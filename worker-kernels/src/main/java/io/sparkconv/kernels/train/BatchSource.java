package io.sparkconv.kernels.train;

import io.sparkconv.kernels.net.Batch;

/**
 * This replica's images of each step, ready for the net (augmented, normalized): the driver
 * implements it over its data and augmenter, so the loop knows nothing of either.
 */
public interface BatchSource {
    /** The most images {@link #fill} puts in a batch. */
    int capacity();

    /** Fills batch with this replica's share of step {@code step} of epoch {@code epoch}, keys and labels included. */
    void fill(Batch batch, int epoch, int step);
}
