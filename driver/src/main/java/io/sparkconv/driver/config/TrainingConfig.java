package io.sparkconv.driver.config;

import io.sparkconv.kernels.optim.LearningRateSchedule;
import io.sparkconv.kernels.optim.SgdSettings;
import io.sparkconv.kernels.train.HopelessRun;

/**
 * How to train.
 *
 * @param epochs         passes over the training split
 * @param batchSize      the global mini-batch B
 * @param evalBatchSize  images per inference call when scoring validation and test
 * @param seed           the one seed every random choice is keyed from (init, shuffling, dropout, augmentation)
 * @param sgd            learning rate, momentum, L2
 * @param schedule       learning-rate schedule: constant, step or cosine
 * @param stopHopelessAfter 0 = always train every epoch; N = stop a run whose training loss is no
 *                       longer finite, or whose validation accuracy after epoch N is no better than
 *                       1.5x chance ({@link HopelessRun}); searches use it to free slots early
 */
public record TrainingConfig(Integer epochs, Integer batchSize, Integer evalBatchSize, Long seed,
                             SgdSettings sgd, LearningRateSchedule schedule, Integer stopHopelessAfter) {
    public TrainingConfig {
        epochs = epochs == null ? 10 : epochs;
        batchSize = batchSize == null ? 100 : batchSize;
        evalBatchSize = evalBatchSize == null ? 500 : evalBatchSize;
        seed = seed == null ? 42L : seed;
        sgd = sgd == null ? SgdSettings.defaults() : sgd;
        schedule = schedule == null ? new LearningRateSchedule.Constant() : schedule;
        stopHopelessAfter = stopHopelessAfter == null ? 0 : stopHopelessAfter;
        if (stopHopelessAfter < 0) {
            throw new IllegalArgumentException("stop_hopeless_after must be >= 0, got " + stopHopelessAfter);
        }
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
        return new TrainingConfig(null, null, null, null, null, null, null);
    }
}
