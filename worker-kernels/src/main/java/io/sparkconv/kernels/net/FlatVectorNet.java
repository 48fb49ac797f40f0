package io.sparkconv.kernels.net;

import io.sparkconv.kernels.spec.NetPlan;

/**
 * What every backend's net shares: the plan, the batch bound, and the one flat parameter vector
 * and one flat gradient vector the plan lays out (and the all-reduce and the optimizer work on).
 */
public abstract class FlatVectorNet implements Net {
    protected final NetPlan plan;
    protected final int maxBatch;
    protected final float[] params;
    protected final float[] grads;

    protected FlatVectorNet(NetPlan plan, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        this.plan = plan;
        this.maxBatch = maxBatch;
        this.params = new float[plan.paramCount()];
        this.grads = new float[plan.paramCount()];
    }

    @Override
    public final NetPlan plan() {
        return plan;
    }

    @Override
    public final int maxBatch() {
        return maxBatch;
    }

    @Override
    public final float[] parameters() {
        return params;
    }

    @Override
    public final float[] gradients() {
        return grads;
    }

    /** Rejects a batch this net was not compiled for, naming the numbers. */
    protected final void checkBatch(int n, int imageSize) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " images; this net was compiled for 1.." + maxBatch);
        }
        if (imageSize != plan.input().size()) {
            throw new IllegalArgumentException("images of " + imageSize + " floats; the net expects " + plan.input());
        }
    }
}
