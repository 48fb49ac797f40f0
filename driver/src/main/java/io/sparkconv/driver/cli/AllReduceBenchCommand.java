package io.sparkconv.driver.cli;

import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.distributed.AllReduceBenchmark;
import io.sparkconv.driver.distributed.SparkTrainer;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv bench-allreduce}: one gradient exchange, ring against one Spark job per step. */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true,
        description = "Time one synchronous gradient exchange between K workers: the ring in barrier tasks"
                + " against a broadcast + treeAggregate job (sync: spark).")
final class AllReduceBenchCommand implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--workers", defaultValue = "2", description = "K (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--floats", split = ",", defaultValue = "431080,62378344",
            description = "Vector lengths (default: lenet's and alexnet's parameter counts).")
    int[] floats;

    @Option(names = "--repeats", defaultValue = "7", description = "Timed exchanges per measurement (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--ring-only", description = "Skip the Spark-job baseline.")
    boolean ringOnly;

    @Override
    public Integer call() {
        SparkConf conf = SparkTrainer.sparkConf(new DistributedConfig(master, workers, null, null, null, null, null));
        conf.setAppName("sparkconv-bench-allreduce");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
        if (!sc.isLocal()) {
            SparkTrainer.waitForExecutors(sc, workers);
        }
        System.out.printf("%-12s %8s %12s %12s %8s%n", "floats", "workers", "ring ms", "spark ms", "ratio");
        for (int n : floats) {
            double ring = AllReduceBenchmark.ring(sc, workers, n, repeats);
            double spark = ringOnly ? Double.NaN : AllReduceBenchmark.sparkJob(sc, workers, n, repeats);
            System.out.printf("%-12d %8d %12.2f %12.2f %7.1fx%n", n, workers, ring, spark, spark / ring);
        }
        return 0;
    }
}
