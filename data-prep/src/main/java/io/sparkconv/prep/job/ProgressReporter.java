package io.sparkconv.prep.job;

import java.io.PrintStream;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.util.LongAccumulator;

/**
 * Prints "prep: done/total tasks, N images (R rejected), X images/s" while the job runs, from a
 * daemon thread polling Spark's status tracker for the jobs of one job group, and once more when
 * closed, so even a job shorter than the interval reports where it ended. Image counts come from
 * accumulators, which Spark merges as each task ends, so they move a task at a time.
 */
final class ProgressReporter implements AutoCloseable {
    private final SparkStatusTracker tracker;
    private final String jobGroup;
    private final LongAccumulator images;
    private final LongAccumulator rejected;
    private final long expected;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final Thread thread;
    private volatile boolean stopped;
    private String last = "";

    private ProgressReporter(SparkStatusTracker tracker, String jobGroup, LongAccumulator images,
                             LongAccumulator rejected, long expected, long intervalMillis, PrintStream out) {
        this.tracker = tracker;
        this.jobGroup = jobGroup;
        this.images = images;
        this.rejected = rejected;
        this.expected = expected;
        this.out = out;
        this.thread = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                poll();
            }
        }, "sparkconv-prep-progress");
        thread.setDaemon(true);
    }

    static ProgressReporter start(SparkStatusTracker tracker, String jobGroup, LongAccumulator images,
                                  LongAccumulator rejected, long expected, long intervalMillis, PrintStream out) {
        ProgressReporter r = new ProgressReporter(tracker, jobGroup, images, rejected, expected, intervalMillis, out);
        r.thread.start();
        return r;
    }

    /** Prints a line when something moved since the last one, not one per interval of a long task. */
    private synchronized void poll() {
        int done = 0;
        int total = 0;
        for (int jobId : tracker.getJobIdsForGroup(jobGroup)) {
            SparkJobInfo job = tracker.getJobInfo(jobId).getOrElse(() -> null);
            if (job == null) {
                continue;
            }
            for (int stageId : job.stageIds()) {
                SparkStageInfo stage = tracker.getStageInfo(stageId).getOrElse(() -> null);
                if (stage != null) {
                    done += stage.numCompletedTasks();
                    total += stage.numTasks();
                }
            }
        }
        long n = images.value();
        String state = done + "/" + total + "/" + n;
        if (total > 0 && !state.equals(last)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("prep: %d/%d tasks, %,d of %,d images (%,d rejected), %,.0f images/s%n",
                    done, total, n, expected, rejected.value(), n / seconds);
            last = state;
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
    }
}
