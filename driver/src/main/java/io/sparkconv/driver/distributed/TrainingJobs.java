package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.SyncMode;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.train.TrainingFailedException;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import java.io.IOException;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The training job and its relaunches: Spark does not retry a failed barrier result stage, so a
 * failed job is launched again (up to {@code distributed.max_attempts}) and every worker resumes
 * from the last checkpoint; out of attempts, the run fails with one line naming the last failure.
 */
final class TrainingJobs {
    private TrainingJobs() {}

    static List<WorkerResult> run(JavaSparkContext sc, WorkerSpec first, ProgressDisplay display, DistributedConfig d,
                                  int executorsNeeded) throws IOException {
        WorkerSpec spec = first;
        while (true) {
            try {
                return d.sync() == SyncMode.RING
                        ? BarrierTraining.run(sc, spec)
                        : SparkStepTraining.run(sc, spec, display);
            } catch (Exception e) {
                // Scala code throws the checked SparkException without declaring it.
                if (!(e instanceof SparkException)) {
                    throw e;
                }
                String unsupported = unsupportedPrecision(e);
                if (unsupported != null) {
                    // An executor the probe did not reach cannot run the run's precision: not worth a retry.
                    throw new PrecisionChoice.UnsupportedPrecisionException(unsupported);
                }
                if (spec.attempt() + 1 >= d.maxAttempts()) {
                    throw new TrainingFailedException(String.format("training failed in all %d attempts (distributed.max_attempts);"
                            + " the last: %s", d.maxAttempts(), failureReason(e)), e);
                }
                display.line(String.format("training job failed (attempt %d of %d): %s%nrelaunching from the last checkpoint",
                        spec.attempt() + 1, d.maxAttempts(), failureReason(e)));
                spec = spec.nextAttempt();
                SparkCluster.waitForExecutors(sc, executorsNeeded);
            }
        }
    }

    /**
     * What went wrong, in one line: the failing worker's own message (Spark buries it in the job's
     * stage-failure text, e.g. "training worker 0 (attempt 0): ring worker 0: no progress for
     * 2001 ms ..."), else the first line of the outermost message.
     */
    static String failureReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String line : String.valueOf(t.getMessage()).split("\n")) {
                int at = line.indexOf("training worker ");
                if (at >= 0) {
                    return line.substring(at);
                }
            }
        }
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The message of an UnsupportedPrecisionException a task threw, from Spark's failure text; else null. */
    static String unsupportedPrecision(Throwable e) {
        String marker = PrecisionChoice.UnsupportedPrecisionException.class.getSimpleName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String line : String.valueOf(t.getMessage()).split("\n")) {
                int at = line.indexOf(marker);
                if (at >= 0) {
                    return line.substring(at + marker.length());
                }
            }
        }
        return null;
    }
}
