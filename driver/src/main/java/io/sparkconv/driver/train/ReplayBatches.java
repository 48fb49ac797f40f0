package io.sparkconv.driver.train;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.BatchSource;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.data.ImageSet;

/**
 * Every global batch whole, in one process: with a plan of K workers, exactly the batches a
 * K-worker run draws (worker by worker in rank order), which the distributed-equals-local tests rest on.
 */
public final class ReplayBatches implements BatchSource {
    private final ImageSet train;
    private final BatchPlan plan;
    private final Augmenter augmenter;
    private final long seed;
    private int[][] orders;
    private int ordersEpoch = -1;

    public ReplayBatches(ImageSet train, BatchPlan plan, Augmenter augmenter, long seed) {
        this.train = train;
        this.plan = plan;
        this.augmenter = augmenter;
        this.seed = seed;
    }

    @Override
    public int capacity() {
        return plan.batchSize();
    }

    @Override
    public void fill(Batch batch, int epoch, int step) {
        if (ordersEpoch != epoch) {
            orders = plan.shardOrders(epoch);
            ordersEpoch = epoch;
        }
        int[] positions = plan.globalBatch(orders, step);
        augmenter.fill(train, positions, 0, positions.length, batch, epoch, seed);
    }
}
