package io.sparkconv.driver.config;

import io.sparkconv.kernels.optim.LearningRateSchedule;
import io.sparkconv.kernels.optim.SgdSettings;

/**
 * How to train.
 *
 * @param epochs         passes over the training split
 * @param batchSize      the global mini-batch B
 * @param evalBatchSize  images per inference call when scoring validation and test
 * @param seed           the one seed every random choice is keyed from (init, shuffling, dropout, augmentation)
 * @param sgd            learning rate, momentum, L2
 * @param schedule       learning-rate schedule: constant, step or cosine
 */
public record TrainingConfig(Integer epochs, Integer batchSize, Integer evalBatchSize, Long seed,
                             SgdSettings sgd, LearningRateSchedule schedule) {
    public TrainingConfig {
        epochs = epochs == null ? 10 : epochs;
        batchSize = batchSize == null ? 100 : batchSize;
        evalBatchSize = evalBatchSize == null ? 500 : evalBatchSize;
        seed = seed == null ? 42L : seed;
        sgd = sgd == null ? SgdSettings.defaults() : sgd;
        schedule = schedule == null ? new LearningRateSchedule.Constant() : schedule;
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("eval_batch_size must be >= 1, got " + evalBatchSize);
        }
    }

    static TrainingConfig defaults() {
        return new TrainingConfig(null, null, null, null, null, null);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, batchSize, evalBatchSize, seed, sgd, schedule);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, batchSize, evalBatchSize, s, sgd, schedule);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(epochs, b, evalBatchSize, seed, sgd, schedule);
    }
}
