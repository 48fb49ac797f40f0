package io.sparkconv.kernels.train;

import java.util.List;

/**
 * Where a run is: the position (the next epoch and step to run; all randomness is keyed by
 * (seed, epoch, sample), so the position is the whole random state), the metrics so far, and the
 * parameters and optimizer state. What a checkpoint stores, and what a resumed run starts from.
 *
 * @param globalStep   steps run since the start, epoch * stepsPerEpoch + step
 * @param epochLossSum at a position inside an epoch: the summed batch losses of that epoch's steps
 *                     before {@code step}, so a resumed epoch reports the mean an uninterrupted one
 *                     would; null at an epoch's end (and where an older checkpoint did not record it)
 */
public record TrainingState(int epoch, int step, long globalStep, List<Double> trainLoss, List<Double> valAccuracy,
                            List<Double> valLoss, Double epochLossSum, float[] params, float[] velocity) {}
