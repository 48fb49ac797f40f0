package io.sparkconv.driver.cv;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.distributed.SparkCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Where a search's trials run: each from a driver thread of its own, its Spark jobs in a FAIR
 * scheduler pool of its own (and one pool for the retrain of the best), as many at once as the
 * cluster's task slots hold; the rest queue. Records every job's start and end per pool.
 */
final class TrialScheduler implements AutoCloseable {
    static final String FINAL_POOL = "cv-final";

    final JavaSparkContext sc;
    final JobTimeline timeline = new JobTimeline();
    /** Task slots of the session: cores over spark.task.cpus, once the executors have registered. */
    final int slots;

    private TrialScheduler(JavaSparkContext sc, int workersPerTrial) {
        this.sc = sc;
        sc.sc().addSparkListener(timeline);
        this.slots = taskSlots(sc, workersPerTrial);
    }

    /** The session for a search with these pools, FAIR-scheduled, each trial's worker owning threadsPerWorker cores. */
    static TrialScheduler open(TrainConfig base, CvOptions options, List<String> pools, Path outDir, PrintStream out)
            throws IOException {
        SparkConf conf = SparkCluster.conf(base.distributed());
        conf.set("spark.scheduler.mode", "FAIR");
        conf.set("spark.scheduler.allocation.file", writePools(pools, outDir).toAbsolutePath().toString());
        conf.set("spark.task.cpus", Integer.toString(options.threadsPerWorker()));
        conf.set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(options.threadsPerWorker()));
        conf.setIfMissing("spark.app.name", "sparkconv-cv");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
        if (!"FAIR".equalsIgnoreCase(sc.getConf().get("spark.scheduler.mode", "FIFO"))) {
            out.println("note: this Spark session schedules FIFO (it existed before the search); trials still run "
                    + "side by side while slots are free");
        }
        return new TrialScheduler(sc, options.workersPerTrial());
    }

    /** The Spark jobs this thread submits from now on go to pool (local properties belong to the submitting thread). */
    void submitTo(String pool) {
        sc.setLocalProperty("spark.scheduler.pool", pool);
    }

    /** Runs the trials, parallel at a time, each on a driver thread; their results in the order given. */
    <T> List<T> runAll(List<Callable<T>> trials, int parallel) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "cv-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> trial : trials) {
                futures.add(threads.submit(trial));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    threads.shutdownNow();
                    Throwable cause = e.getCause();
                    throw new IllegalStateException("a trial failed: " + cause.getMessage(), cause);
                }
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(timeline);
    }

    private static int taskSlots(JavaSparkContext sc, int workersPerTrial) {
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        if (sc.isLocal()) {
            return Math.max(1, SparkCluster.localCores(sc.master()) / taskCpus);
        }
        SparkCluster.waitForExecutors(sc, workersPerTrial);
        // Executors of a standalone or YARN cluster register one by one: take the count once it holds still.
        int seen = -1;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            int now = sc.sc().statusTracker().getExecutorInfos().length;
            if (now == seen) {
                break;
            }
            seen = now;
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Math.max(1, sc.sc().defaultParallelism() / taskCpus);
    }

    /** A pool per trial and one for the retrain, equal weights: Spark's FAIR scheduler shares slots between them. */
    private static Path writePools(List<String> trialPools, Path outDir) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
        List<String> pools = new ArrayList<>(trialPools);
        pools.add(FINAL_POOL);
        for (String pool : pools) {
            xml.append("  <pool name=\"").append(pool).append("\"><schedulingMode>FIFO</schedulingMode>")
                    .append("<weight>1</weight><minShare>0</minShare></pool>\n");
        }
        xml.append("</allocations>\n");
        Files.createDirectories(outDir);
        return Files.writeString(outDir.resolve("fairscheduler.xml"), xml);
    }
}
