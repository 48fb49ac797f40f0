package io.sparkconv.kernels.optim;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The learning rate as a function of training progress. Progress is measured in epochs as a
 * real number (epoch + step/stepsPerEpoch) so a schedule means the same at any batch size.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = LearningRateSchedule.Constant.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = LearningRateSchedule.Constant.class, name = "constant"),
    @JsonSubTypes.Type(value = LearningRateSchedule.Step.class, name = "step"),
    @JsonSubTypes.Type(value = LearningRateSchedule.Cosine.class, name = "cosine"),
})
public sealed interface LearningRateSchedule {
    /** The multiplier of the base rate after {@code progress} epochs out of {@code totalEpochs}. */
    double factor(double progress, int totalEpochs);

    record Constant() implements LearningRateSchedule {
        @Override
        public double factor(double progress, int totalEpochs) {
            return 1.0;
        }
    }

    /** Multiply by gamma every {@code every} epochs (as Krizhevsky et al. divided by 10 by hand). */
    record Step(Integer every, Double gamma) implements LearningRateSchedule {
        public Step {
            every = every == null ? 10 : every;
            gamma = gamma == null ? 0.1 : gamma;
            if (every < 1) {
                throw new IllegalArgumentException("every must be >= 1 epoch, got " + every);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
        }

        @Override
        public double factor(double progress, int totalEpochs) {
            return Math.pow(gamma, Math.floor(progress / every));
        }
    }

    /** Cosine annealing to {@code minFactor} of the base rate at the end (Loshchilov and Hutter 2017, no restarts). */
    record Cosine(Double minFactor) implements LearningRateSchedule {
        public Cosine {
            minFactor = minFactor == null ? 0.0 : minFactor;
            if (!(minFactor >= 0 && minFactor <= 1)) {
                throw new IllegalArgumentException("min_factor must be in [0, 1], got " + minFactor);
            }
        }

        @Override
        public double factor(double progress, int totalEpochs) {
            double t = Math.min(1.0, progress / totalEpochs);
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
        }
    }
}
