package io.sparkconv.driver.distributed;

import io.sparkconv.driver.ring.RingAllReduce;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Times one synchronous exchange of an n-float gradient between K workers, both ways the trainer
 * can do it: the ring inside long-lived barrier tasks, and one Spark job (broadcast the parameters,
 * treeAggregate the gradients) as {@code sync: spark} does per step. Medians of the repeats.
 */
public final class AllReduceBenchmark {
    private AllReduceBenchmark() {}

    /** Median milliseconds per ring all-reduce, measured on rank 0 after one warm-up exchange. */
    public static double ring(JavaSparkContext sc, int workers, int floats, int repeats) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, workers);
        List<Double> medians = slots.rdd().barrier()
                .mapPartitions(new RingTask(floats, repeats), false, ClassTag$.MODULE$.apply(Double.class))
                .toJavaRDD().collect();
        return medians.get(0);
    }

    /** Median milliseconds per broadcast + treeAggregate job over K partitions. */
    public static double sparkJob(JavaSparkContext sc, int workers, int floats, int repeats) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, workers).cache();
        slots.count();
        float[] params = new float[floats];
        double[] times = new double[repeats + 1];
        for (int i = 0; i <= repeats; i++) {
            long t0 = System.nanoTime();
            Broadcast<float[]> b = sc.broadcast(params);
            float[] sum = slots.map(r -> {
                float[] g = new float[b.value().length];
                Arrays.fill(g, r);
                return g;
            }).treeAggregate(new float[floats], SparkStepTraining::add, SparkStepTraining::add);
            b.destroy();
            times[i] = (System.nanoTime() - t0) / 1e6;
            if (sum[floats - 1] != workers * (workers - 1) / 2f) {
                throw new IllegalStateException("wrong sum " + sum[floats - 1]);
            }
        }
        slots.unpersist();
        return median(Arrays.copyOfRange(times, 1, times.length));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static final class RingTask extends AbstractFunction1<Iterator<Integer>, Iterator<Double>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int floats;
        private final int repeats;

        RingTask(int floats, int repeats) {
            this.floats = floats;
            this.repeats = repeats;
        }

        @Override
        public Iterator<Double> apply(Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            try {
                ServerSocketChannel server = RingAllReduce.listen(host);
                String[] all = ctx.allGather(host + ":" + ((InetSocketAddress) server.getLocalAddress()).getPort());
                List<InetSocketAddress> peers = new ArrayList<>();
                for (String a : all) {
                    int colon = a.lastIndexOf(':');
                    peers.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
                }
                try (RingAllReduce ring = RingAllReduce.connect(ctx.partitionId(), peers, server, 1L, Duration.ofSeconds(60))) {
                    float[] v = new float[floats];
                    double[] times = new double[repeats + 1];
                    for (int i = 0; i <= repeats; i++) {
                        Arrays.fill(v, ctx.partitionId());
                        long t0 = System.nanoTime();
                        ring.sum(v, 0, floats);
                        times[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    return CollectionConverters.asScala(List.of(median(Arrays.copyOfRange(times, 1, times.length))).iterator());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
