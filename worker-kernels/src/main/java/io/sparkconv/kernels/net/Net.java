package io.sparkconv.kernels.net;

import io.sparkconv.kernels.spec.NetPlan;

/**
 * A net compiled by one backend for batches of up to {@link #maxBatch()} images.
 *
 * <p>All parameters live in one flat vector and all gradients in another of the same length, laid
 * out by {@link NetPlan}; layers see views into them. The distributed trainer all-reduces that one
 * gradient buffer, and the optimizer updates that one parameter buffer.
 */
public interface Net extends AutoCloseable {
    NetPlan plan();

    /** "java" or "onednn". */
    String backend();

    int maxBatch();

    /** The flat parameter vector, owned by the net; write to it, then call {@link #parametersChanged()}. */
    float[] parameters();

    /** The flat gradient vector, filled by {@link #forwardBackward}. */
    float[] gradients();

    /**
     * Forward and backward over the batch in training mode. Overwrites {@link #gradients()} with
     * {@code lossScale} times the gradient of the summed per-image cross-entropy, and returns
     * {@code lossScale} times that sum. With {@code lossScale = 1/B} for a global batch of B split
     * over workers, the workers' gradients add up to the gradient of the mean loss.
     */
    double forwardBackward(Batch batch, float lossScale);

    /** Inference mode (no dropout): class probabilities, {@code n x classes}, into {@code out}. */
    void predict(float[] images, int n, float[] out);

    /** Tells the net its parameters changed outside it (an update, a load). */
    void parametersChanged();

    @Override
    void close();
}
