package io.sparkconv.kernels.net;

/**
 * Images ready for the net (NCHW floats, already augmented and normalized) with their labels and the keys that
 * make their randomness reproducible: the sample ids, the epoch and the run's seed. Buffers are
 * allocated once for the largest batch and refilled; {@code size} says how many images are valid.
 */
public final class Batch {
    public final float[] images;
    public final int[] labels;
    public final long[] sampleIds;
    private final int imageSize;
    private int size;
    private int epoch;
    private long seed;

    public Batch(int capacity, int imageSize) {
        this.images = new float[Math.multiplyExact(capacity, imageSize)];
        this.labels = new int[capacity];
        this.sampleIds = new long[capacity];
        this.imageSize = imageSize;
    }

    public int capacity() {
        return labels.length;
    }

    public int imageSize() {
        return imageSize;
    }

    public int size() {
        return size;
    }

    public int epoch() {
        return epoch;
    }

    public long seed() {
        return seed;
    }

    /** Declares which images are valid and under which (seed, epoch) their randomness is drawn. */
    public Batch fill(int size, int epoch, long seed) {
        if (size < 0 || size > capacity()) {
            throw new IllegalArgumentException("batch size " + size + " outside [0, " + capacity() + "]");
        }
        this.size = size;
        this.epoch = epoch;
        this.seed = seed;
        return this;
    }
}
