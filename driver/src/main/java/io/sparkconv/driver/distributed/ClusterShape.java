package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.RuntimeConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many workers a Spark run places and how many kernel threads each gets.
 *
 * @param localCores the cores of a {@code local[N]} master, 0 for a cluster
 */
record ClusterShape(String master, int localCores, int workers, int threads) {
    /**
     * What the config asks for on this master: K workers (default one per executor; one on
     * local[N]) of T threads (default the executor's cores; local[N] split over K). Sets the
     * task's cores and oneDNN's OpenMP pool in conf to match.
     */
    static ClusterShape requested(SparkConf conf, DistributedConfig d, RuntimeConfig r) {
        String master = conf.get("spark.master");
        int local = SparkCluster.localCores(master);
        int workers = d.workers() > 0 ? d.workers() : local > 0 ? 1 : conf.getInt("spark.executor.instances", 2);
        int threads = r.threads() > 0 ? r.threads()
                : local > 0 ? Math.max(1, local / workers) : conf.getInt("spark.executor.cores", 1);
        conf.set("spark.task.cpus", Integer.toString(threads));
        conf.set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(threads));
        return new ClusterShape(master, local, workers, threads);
    }

    /**
     * The same in a session that may have existed before (an application embedding us, a test JVM)
     * and kept its own settings: plan with the slots it really has.
     */
    ClusterShape in(JavaSparkContext sc, RuntimeConfig r) {
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        int localSlots = localCores > 0 ? SparkCluster.localCores(sc.master()) / taskCpus : Integer.MAX_VALUE;
        if (localSlots < workers) {
            throw new IllegalArgumentException(workers + " workers need " + workers + " task slots, but master "
                    + sc.master() + " with spark.task.cpus=" + taskCpus + " has " + localSlots);
        }
        return new ClusterShape(master, localCores, workers, r.threads() == 0 ? taskCpus : threads);
    }

    /** Executors to wait for before the barrier stage: local mode has one, the driver's. */
    int executorsNeeded() {
        return localCores > 0 ? 1 : workers;
    }
}
