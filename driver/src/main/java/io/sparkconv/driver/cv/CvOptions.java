package io.sparkconv.driver.cv;

import java.util.List;

/**
 * How a search runs.
 *
 * @param folds            k >= 2: k-fold cross-validation of the training split; 1: train on the
 *                         training split, score on the validation split
 * @param settings         the points to try
 * @param parallel         trials at once; 0 = as many as the cluster's task slots hold
 * @param workersPerTrial  K of each trial (1 lets the most trials run side by side)
 * @param threadsPerWorker kernel threads (spark.task.cpus) of each trial worker
 * @param stopHopelessAfter the hopeless-run rule for trials (0 = off)
 */
public record CvOptions(int folds, List<Setting> settings, int parallel, int workersPerTrial, int threadsPerWorker,
                        int stopHopelessAfter) {
    public CvOptions {
        if (folds < 1) {
            throw new IllegalArgumentException("--folds must be >= 1 (1 = train/validation search), got " + folds);
        }
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("a search needs at least one setting (--grid or --random)");
        }
        if (settings.stream().distinct().count() != settings.size()) {
            throw new IllegalArgumentException("the search lists a setting twice: " + settings);
        }
        if (parallel < 0 || workersPerTrial < 1 || threadsPerWorker < 1 || stopHopelessAfter < 0) {
            throw new IllegalArgumentException("--parallel >= 0, --workers-per-trial >= 1, --threads >= 1 and "
                    + "--stop-hopeless-after >= 0 are required");
        }
        settings = List.copyOf(settings);
    }
}
