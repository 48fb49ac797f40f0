package io.sparkconv.driver.distributed;

import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.normalize.PixelNormalizer;

/**
 * The part of the training and validation splits one of K workers holds: positions rank, rank+K,
 * ... (so training position p sits at index p / K of the shard), and how its images become a batch.
 */
final class WorkerShard {
    final ImageSet train;
    final ImageSet validation;
    private final int[] labels;
    private final int workers;
    private final PixelNormalizer normalizer;

    WorkerShard(TrainingData data, int rank, int workers, PixelNormalizer normalizer) {
        this.train = TrainingData.shard(data.train(), rank, workers);
        this.validation = TrainingData.shard(data.validation(), rank, workers);
        this.labels = data.train().labels();
        this.workers = workers;
        this.normalizer = normalizer;
    }

    /** Fills the batch with training positions order[from, from+count); sample ids are the positions. */
    void fill(Batch batch, int[] order, int from, int count, int epoch, long seed) {
        for (int i = 0; i < count; i++) {
            int position = order[from + i];
            normalizer.normalize(train, position / workers, batch.images, i);
            batch.labels[i] = labels[position];
            batch.sampleIds[i] = position;
        }
        batch.fill(count, epoch, seed);
    }
}
