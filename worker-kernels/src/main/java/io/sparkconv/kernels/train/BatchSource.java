package io.sparkconv.kernels.train;

import io.sparkconv.kernels.net.Batch;
import java.io.IOException;

/**
 * This replica's images of each step, ready for the net (augmented, normalized): the driver
 * implements it over its data and augmenter, so the loop knows nothing of either. Steps are asked
 * for in order; asking for another one (a resume, a retried step job) repositions the source.
 */
public interface BatchSource extends AutoCloseable {
    /** The most images a batch of this source holds. */
    int capacity();

    /**
     * This replica's share of step {@code step} of epoch {@code epoch}, keys and labels included: a
     * batch the source owns, valid until the next call.
     */
    Batch batch(int epoch, int step) throws IOException;

    /** Time {@link #batch} spent waiting for data so far, ns: 0 when batches are always ready. */
    default long waitNanos() {
        return 0;
    }

    @Override
    default void close() {}
}
