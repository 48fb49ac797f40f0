package io.sparkconv.driver.cv;

import java.util.List;

/**
 * A setting's trials summarized: the mean and sample standard deviation of its held-out scores.
 *
 * @param scores per fold, in fold order
 * @param seconds the trials' run times added up
 */
public record SettingScore(Setting setting, double mean, double std, List<Double> scores, double seconds,
                           int stoppedEarly) {
    public static SettingScore of(Setting setting, List<TrialResult> trials) {
        List<TrialResult> sorted = trials.stream().sorted(java.util.Comparator.comparingInt(TrialResult::fold)).toList();
        List<Double> scores = sorted.stream().map(TrialResult::score).toList();
        double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = scores.stream().mapToDouble(s -> (s - mean) * (s - mean)).sum();
        double std = scores.size() > 1 ? Math.sqrt(ss / (scores.size() - 1)) : 0;
        return new SettingScore(setting, mean, std, scores,
                sorted.stream().mapToDouble(TrialResult::seconds).sum(),
                (int) sorted.stream().filter(TrialResult::stopped).count());
    }

    /** Higher mean first; a NaN mean (every trial diverged) sorts last. */
    public static int byMeanDescending(SettingScore a, SettingScore b) {
        double x = Double.isNaN(a.mean) ? Double.NEGATIVE_INFINITY : a.mean;
        double y = Double.isNaN(b.mean) ? Double.NEGATIVE_INFINITY : b.mean;
        int c = Double.compare(y, x);
        return c != 0 ? c : Double.compare(a.std, b.std);
    }
}
