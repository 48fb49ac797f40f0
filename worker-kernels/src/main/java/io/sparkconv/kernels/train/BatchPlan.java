package io.sparkconv.kernels.train;

import io.sparkconv.kernels.random.KeyedRandom;

/**
 * Which training samples each of K workers uses at each step: a pure function of
 * (seed, epoch, step, worker, shard), so every worker computes its own share without talking to
 * the others, and a single process can replay exactly the global batches of a K-worker run.
 *
 * <p>Training position p lives in shard p mod K, held by worker p mod K. Every epoch each shard is
 * permuted by a stream keyed by (seed, epoch, shard); worker w takes its share of each global batch
 * of B (shares differ by at most one image) from the front of its permutation. An epoch has as
 * many steps as the smallest shard can fill; the few samples left over differ every epoch.
 */
public final class BatchPlan {
    private final long seed;
    private final int samples;
    private final int batchSize;
    private final int workers;
    private final int steps;

    public BatchPlan(long seed, int samples, int batchSize, int workers) {
        if (workers < 1 || batchSize < workers) {
            throw new IllegalArgumentException("need 1 <= workers <= batch size, got " + workers + " workers for batch " + batchSize);
        }
        if (samples < batchSize) {
            throw new IllegalArgumentException(samples + " training samples cannot fill one batch of " + batchSize);
        }
        this.seed = seed;
        this.samples = samples;
        this.batchSize = batchSize;
        this.workers = workers;
        int min = Integer.MAX_VALUE;
        for (int w = 0; w < workers; w++) {
            min = Math.min(min, shardSize(w) / shareSize(w));
        }
        this.steps = min;
    }

    public int stepsPerEpoch() {
        return steps;
    }

    public int batchSize() {
        return batchSize;
    }

    public int workers() {
        return workers;
    }

    /** Samples in worker w's shard: positions w, w+K, w+2K, ... */
    public int shardSize(int worker) {
        return (samples - worker + workers - 1) / workers;
    }

    /** Images worker w contributes to every global batch. */
    public int shareSize(int worker) {
        int[] s = share(batchSize, worker, workers);
        return s[1] - s[0];
    }

    /** The training positions of worker w's shard in the epoch's order (Fisher-Yates on a keyed stream). */
    public int[] shardOrder(int epoch, int worker) {
        int n = shardSize(worker);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = worker + i * workers;
        }
        long key = KeyedRandom.key(seed, epoch, worker, 0x5348554646L); // "SHUFF"
        for (int i = n - 1; i > 0; i--) {
            int j = KeyedRandom.below(key, i, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Where worker w's share of step {@code step} starts in its {@link #shardOrder}. */
    public int shareStart(int worker, int step) {
        return step * shareSize(worker);
    }

    /** Every shard's order for the epoch, by worker: computed once per epoch, not per step. */
    public int[][] shardOrders(int epoch) {
        int[][] orders = new int[workers][];
        for (int w = 0; w < workers; w++) {
            orders[w] = shardOrder(epoch, w);
        }
        return orders;
    }

    /**
     * The whole global batch of a step, worker by worker in rank order: what a single process
     * replays. {@code orders} is {@link #shardOrders} of the epoch.
     */
    public int[] globalBatch(int[][] orders, int step) {
        int[] out = new int[batchSize];
        int at = 0;
        for (int w = 0; w < workers; w++) {
            int n = shareSize(w);
            System.arraycopy(orders[w], shareStart(w, step), out, at, n);
            at += n;
        }
        return out;
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
