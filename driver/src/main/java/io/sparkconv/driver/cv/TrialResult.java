package io.sparkconv.driver.cv;

import java.util.List;

/**
 * One training run of a search: a setting trained without one fold (or on the training split when
 * there are no folds) and scored on what it held out.
 *
 * @param fold        the held-out fold, or -1 when the validation split was held out ({@code --folds 1})
 * @param score       validation accuracy on the held-out part after the last epoch it trained
 * @param epochs      epochs trained (fewer than configured when the run was stopped as hopeless)
 * @param stopped     whether the hopeless-run rule stopped it
 * @param jobs        the Spark jobs it ran, with the scheduler's start and end times
 */
public record TrialResult(Setting setting, int fold, String pool, double score, double loss, int epochs,
                          boolean stopped, long startMillis, long endMillis, List<JobTimeline.JobSpan> jobs,
                          String runDir) {
    public double seconds() {
        return (endMillis - startMillis) / 1000.0;
    }
}
