package io.sparkconv.driver.cli;

import io.sparkconv.driver.config.DistributedConfig;
import io.sparkconv.driver.config.Transport;
import io.sparkconv.driver.bench.AllReduceBenchmark;
import io.sparkconv.driver.distributed.SparkCluster;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv bench-allreduce}: one gradient exchange, ring against one Spark job per step. */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true,
        description = "Time one synchronous gradient exchange between K workers: the ring in barrier tasks"
                + " against a broadcast + treeAggregate job (sync: spark). Medians; rank 0's ring time split into"
                + " sending, receiving (with the add) and waiting for its peers.")
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

    @Option(names = "--transport", split = ",", defaultValue = "tcp,auto",
            description = "Ring transports to time: tcp (every hop over TCP), auto (co-located workers through"
                    + " shared memory) (default ${DEFAULT-VALUE}).")
    String[] transports;

    @Override
    public Integer call() {
        SparkConf conf = SparkCluster.conf(new DistributedConfig(master, workers, null, null, null, null, null, null));
        conf.setAppName("sparkconv-bench-allreduce");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
        if (!sc.isLocal()) {
            SparkCluster.waitForExecutors(sc, workers);
        }
        List<Transport> kinds = Arrays.stream(transports).map(Transport::parse).toList(); // an unknown one fails here
        System.out.printf("%-10s %7s %-40s %8s %22s %10s %7s%n", "floats", "workers", "ring transport (rank 0)", "ring ms",
                "send/receive/wait ms", "spark ms", "ratio");
        for (int n : floats) {
            double spark = ringOnly ? Double.NaN : AllReduceBenchmark.sparkJob(sc, workers, n, repeats);
            for (Transport t : kinds) {
                AllReduceBenchmark.RingFigure ring = AllReduceBenchmark.ring(sc, workers, n, repeats, t == Transport.AUTO);
                System.out.printf("%-10d %7d %-40s %8.2f %22s %10.2f %6.1fx%n", n, workers, t + ": " + ring.transport(),
                        ring.medianMs(), String.format("%.1f/%.1f/%.1f", ring.sendMs(), ring.receiveMs(), ring.waitMs()),
                        spark, spark / ring.medianMs());
            }
        }
        return 0;
    }
}
