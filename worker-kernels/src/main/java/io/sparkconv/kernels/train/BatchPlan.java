package io.sparkconv.kernels.train;

import io.sparkconv.kernels.random.KeyedRandom;

/**
 * Which training samples form global batch {@code step} of {@code epoch}: a pure function of
 * (seed, epoch, step), so any process (one, or each of K workers) computes the same batches
 * without talking to the others. Each epoch is a fresh permutation of the training positions,
 * keyed by (seed, epoch); the last batch of an epoch may be short.
 */
public final class BatchPlan {
    private final long seed;
    private final int samples;
    private final int batchSize;

    public BatchPlan(long seed, int samples, int batchSize) {
        if (samples < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need samples >= 1 and batch size >= 1, got " + samples + ", " + batchSize);
        }
        this.seed = seed;
        this.samples = samples;
        this.batchSize = batchSize;
    }

    public int stepsPerEpoch() {
        return (samples + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The epoch's order of training positions (Fisher-Yates on a keyed stream). */
    public int[] epochOrder(int epoch) {
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        long key = KeyedRandom.key(seed, epoch, 0x5348554646L); // "SHUFF"
        for (int i = samples - 1; i > 0; i--) {
            int j = KeyedRandom.below(key, i, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Start of global batch {@code step} in the epoch order. */
    public int batchStart(int step) {
        return step * batchSize;
    }

    /** Size of global batch {@code step}: B, or less for the last one. */
    public int batchLength(int step) {
        return Math.min(batchSize, samples - step * batchSize);
    }

    /**
     * Worker {@code worker}'s share of a batch of {@code length} images split over {@code workers}:
     * [start, end) relative to the batch start. Shares differ by at most one image.
     */
    public static int[] share(int length, int worker, int workers) {
        int base = length / workers;
        int extra = length % workers;
        int start = worker * base + Math.min(worker, extra);
        int size = base + (worker < extra ? 1 : 0);
        return new int[] {start, start + size};
    }
}
