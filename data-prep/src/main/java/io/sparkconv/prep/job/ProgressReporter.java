package io.sparkconv.prep.job;

import java.io.PrintStream;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.util.LongAccumulator;

/**
 * Prints "prep: done/total tasks, N images (R rejected), X images/s" while the job runs, from a
 * daemon thread polling Spark's status tracker for the jobs of one job group. Image counts come
 * from accumulators, which Spark merges as each task ends, so they move a task at a time.
 */
final class ProgressReporter implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stopped;

    private ProgressReporter(Thread thread) {
        this.thread = thread;
    }

    static ProgressReporter start(SparkStatusTracker tracker, String jobGroup, LongAccumulator images,
                                  LongAccumulator rejected, long expected, long intervalMillis, PrintStream out) {
        ProgressReporter[] self = new ProgressReporter[1];
        long start = System.nanoTime();
        Thread t = new Thread(() -> {
            String last = "";
            while (!self[0].stopped) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
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
                double seconds = (System.nanoTime() - start) / 1e9;
                String line = String.format("prep: %d/%d tasks, %,d of %,d images (%,d rejected), %,.0f images/s",
                        done, total, n, expected, rejected.value(), n / seconds);
                // a line only when something moved, not one per interval of a long task
                String state = done + "/" + total + "/" + n;
                if (total > 0 && !state.equals(last)) {
                    out.println(line);
                    last = state;
                }
            }
        }, "sparkconv-prep-progress");
        t.setDaemon(true);
        self[0] = new ProgressReporter(t);
        t.start();
        return self[0];
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
    }
}
