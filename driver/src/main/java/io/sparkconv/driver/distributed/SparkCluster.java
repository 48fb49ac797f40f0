package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.DistributedConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** What every Spark command of ours asks of the cluster: the settings a run needs, its local cores, its executors. */
public final class SparkCluster {
    private SparkCluster() {}

    /** The Spark settings a training run needs; a master given by spark-submit wins over ours. */
    public static SparkConf conf(DistributedConfig d) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(d.master());
        }
        conf.setIfMissing("spark.app.name", "sparkconv-train");
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.set("spark.kryo.registrator", KryoRegistration.class.getName());
        conf.set("spark.stage.maxConsecutiveAttempts", Integer.toString(d.maxAttempts()));
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // The Java backend's GEMM runs on the incubator Vector API; without it executors fall back to scalar code.
        conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        // A barrier stage that cannot get K slots fails after this many 5 s checks, not Spark's 40 x 15 s.
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "5s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "6");
        return conf;
    }

    /** Cores of a local[N] master, or 0 for a cluster master. */
    public static int localCores(String master) {
        if (master.equals("local")) {
            return 1;
        }
        if (master.startsWith("local[")) {
            String n = master.substring(6, master.indexOf(master.contains(",") ? ',' : ']'));
            return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n.trim());
        }
        return 0;
    }

    /**
     * A barrier stage submitted before its executors have registered fails its slot check and starts
     * about 15 s late, so wait for them first (bounded: a cluster that never delivers fails clearly).
     */
    public static void waitForExecutors(JavaSparkContext sc, int needed) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1) < needed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (sc.sc().statusTracker().getExecutorInfos().length - 1)
                        + " executors registered after 120 s; training needs " + needed);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
        }
    }
}
