package io.sparkconv.driver.cv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The start and end of every Spark job, as Spark's scheduler reports them, grouped by the FAIR pool
 * the job ran in: the record of which trials really overlapped on the cluster.
 */
public final class JobTimeline extends SparkListener {
    /** One Spark job: its id, pool, scheduler times (epoch milliseconds) and whether it succeeded. */
    public record JobSpan(int jobId, String pool, long startMillis, long endMillis, boolean succeeded) {}

    private final Map<Integer, JobSpan> jobs = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String pool = start.properties() == null ? null : start.properties().getProperty("spark.scheduler.pool");
        jobs.put(start.jobId(), new JobSpan(start.jobId(), pool == null ? "default" : pool, start.time(), -1, false));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        jobs.computeIfPresent(end.jobId(), (id, s) -> new JobSpan(id, s.pool(), s.startMillis(), end.time(),
                end.jobResult() == JobSucceeded$.MODULE$));
    }

    /** The jobs that ran in a pool, by id. */
    public List<JobSpan> jobsIn(String pool) {
        List<JobSpan> out = new ArrayList<>();
        jobs.values().stream().filter(s -> s.pool().equals(pool))
                .sorted(java.util.Comparator.comparingInt(JobSpan::jobId)).forEach(out::add);
        return out;
    }
}
