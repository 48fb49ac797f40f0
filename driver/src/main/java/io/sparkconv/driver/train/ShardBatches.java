package io.sparkconv.driver.train;

import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.BatchSource;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.data.ImageSet;

/**
 * The part of the training and validation splits worker {@code rank} of K holds (positions rank,
 * rank+K, ..., so training position p sits at index p / K of the shard), and its share of every
 * global batch, augmented: what a barrier worker or a step-job executor trains on.
 */
public final class ShardBatches implements BatchSource {
    private final ImageSet train;
    private final ImageSet validation;
    private final int[] labels;
    private final BatchPlan plan;
    private final int rank;
    private final Augmenter augmenter;
    private final long seed;
    private int[] order;
    private int orderEpoch = -1;

    public ShardBatches(TrainingData data, BatchPlan plan, int rank, Augmenter augmenter, long seed) {
        this.train = TrainingData.shard(data.train(), rank, plan.workers());
        this.validation = TrainingData.shard(data.validation(), rank, plan.workers());
        this.labels = data.train().labels();
        this.plan = plan;
        this.rank = rank;
        this.augmenter = augmenter;
        this.seed = seed;
    }

    /** This worker's shard of the validation split. */
    public ImageSet validation() {
        return validation;
    }

    @Override
    public int capacity() {
        return plan.shareSize(rank);
    }

    /**
     * The share's training positions, augmented; sample ids are the positions, so crops and
     * dropout masks are the ones a single process draws for the same image.
     */
    @Override
    public void fill(Batch batch, int epoch, int step) {
        if (orderEpoch != epoch) {
            order = plan.shardOrder(epoch, rank);
            orderEpoch = epoch;
        }
        int from = plan.shareStart(rank, step);
        int count = plan.shareSize(rank);
        int workers = plan.workers();
        for (int i = 0; i < count; i++) {
            int position = order[from + i];
            augmenter.augment(train, position / workers, position, epoch, seed, batch.images, i);
            batch.labels[i] = labels[position];
            batch.sampleIds[i] = position;
        }
        batch.fill(count, epoch, seed);
    }
}
