package io.sparkconv.driver.distributed;

import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.augment.Augmenter;

/**
 * The part of the training and validation splits one of K workers holds: positions rank, rank+K,
 * ... (so training position p sits at index p / K of the shard), and how its images become a batch.
 */
final class WorkerShard {
    final ImageSet train;
    final ImageSet validation;
    private final int[] labels;
    private final int workers;
    private final Augmenter augmenter;

    WorkerShard(TrainingData data, int rank, int workers, Augmenter augmenter) {
        this.train = TrainingData.shard(data.train(), rank, workers);
        this.validation = TrainingData.shard(data.validation(), rank, workers);
        this.labels = data.train().labels();
        this.workers = workers;
        this.augmenter = augmenter;
    }

    /**
     * Fills the batch with training positions order[from, from+count), augmented; sample ids are the
     * positions, so crops and dropout masks are the ones a single process draws for the same image.
     */
    void fill(Batch batch, int[] order, int from, int count, int epoch, long seed) {
        for (int i = 0; i < count; i++) {
            int position = order[from + i];
            augmenter.augment(train, position / workers, position, epoch, seed, batch.images, i);
            batch.labels[i] = labels[position];
            batch.sampleIds[i] = position;
        }
        batch.fill(count, epoch, seed);
    }
}
