package io.sparkconv.driver.cv;

import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.json.Json;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.report.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a search writes to {@code OUT/cv.json} and prints as a table: every trial with its Spark
 * jobs' times, every setting's mean and spread, the retrained best and its one test score.
 *
 * @param settings          ranked, best first
 * @param trialSecondsSummed the trials' run times added up: about what running them one after
 *                          another would take, against {@code wallSeconds}
 */
public record CvResult(String net, int folds, int parallel, List<TrialResult> trials, List<SettingScore> settings,
                       Final best, TestUse testSplit, double wallSeconds, double trialSecondsSummed, TrainConfig config) {

    /** The best setting retrained on training + validation data, and its test score. */
    public record Final(Setting setting, double testAccuracy, double testLoss, int trainImages, int testImages,
                        String runDir, List<JobTimeline.JobSpan> jobs) {}

    /**
     * The record that this search scored the test split.
     *
     * @param uses    how many times, this one included, the split has been scored by a search
     * @param earlier the uses before this one
     */
    public record TestUse(String fingerprint, String ledger, int uses, List<TestLedger.Use> earlier) {}

    /** Writes {@code dir/cv.json} atomically. */
    public Path write(Path dir) throws IOException {
        return Json.writeAtomically(dir.resolve("cv.json"), this);
    }

    /** The settings, best first: mean, standard deviation, per-fold scores and time. */
    public String table() {
        StringBuilder b = new StringBuilder();
        String foldHeader = folds > 1 ? "per-fold accuracy" : "validation accuracy";
        b.append(String.format(Locale.ROOT, "%-26s %8s %8s  %-30s %8s%n", "setting", "mean", "std", foldHeader, "time"));
        for (SettingScore s : settings) {
            String perFold = s.scores().stream().map(v -> String.format(Locale.ROOT, "%.4f", v))
                    .collect(Collectors.joining(" "));
            b.append(String.format(Locale.ROOT, "%-26s %8.4f %8.4f  %-30s %7.0fs%s%n", s.setting().label(), s.mean(), s.std(),
                    perFold, s.seconds(), s.stoppedEarly() > 0 ? "  (" + s.stoppedEarly() + " stopped as hopeless)" : ""));
        }
        return b.toString();
    }
}
