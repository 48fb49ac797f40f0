package io.sparkconv.driver.bench;

import io.sparkconv.driver.distributed.SparkStepTraining;
import io.sparkconv.driver.ring.RingAllReduce;
import io.sparkconv.driver.ring.RingEndpoint;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
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

    /** Median milliseconds per ring all-reduce on rank 0 after warm-up exchanges, how rank 0's hops went, its time split. */
    public record RingFigure(double medianMs, String transport, double sendMs, double receiveMs, double waitMs) {}

    /**
     * Times the ring; {@code sharedMemory} lets co-located workers exchange through /dev/shm
     * ({@code transport: auto}), else every hop is TCP.
     */
    public static RingFigure ring(JavaSparkContext sc, int workers, int floats, int repeats, boolean sharedMemory) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, workers);
        // Strings cross back to the driver: Kryo 4 cannot serialize records.
        List<String> figures = slots.rdd().barrier()
                .mapPartitions(new RingTask(floats, repeats, sharedMemory), false, ClassTag$.MODULE$.apply(String.class))
                .toJavaRDD().collect();
        String[] f = figures.get(0).split(";");
        return new RingFigure(Double.parseDouble(f[0]), f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]));
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

    static final class RingTask extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int floats;
        private final int repeats;
        private final boolean sharedMemory;

        RingTask(int floats, int repeats, boolean sharedMemory) {
            this.floats = floats;
            this.repeats = repeats;
            this.sharedMemory = sharedMemory;
        }

        @Override
        public Iterator<String> apply(Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            try {
                RingEndpoint mine = RingEndpoint.listen(host, sharedMemory);
                List<String> peers = List.of(ctx.allGather(mine.announcement()));
                try (RingAllReduce ring = RingAllReduce.connect(ctx.partitionId(), peers, mine, 1L, Duration.ofSeconds(60))) {
                    float[] v = new float[floats];
                    // Warm-up: the add is Vector API code, which runs far slower than scalar code until C2
                    // has compiled it; a few 431k-float exchanges are not enough for that (they measured
                    // 70-190 ms instead of 1-9). About 20M floats of exchanges first; the same count on
                    // every worker, as the ring needs.
                    for (int i = 0, warmUps = Math.max(0, Math.min(100, 20_000_000 / floats) - 1); i < warmUps; i++) {
                        ring.sum(v, 0, floats);
                    }
                    ring.timeSplit();
                    double[] times = new double[repeats + 1];
                    double[][] splits = new double[3][repeats + 1];
                    for (int i = 0; i <= repeats; i++) {
                        Arrays.fill(v, ctx.partitionId());
                        long t0 = System.nanoTime();
                        ring.sum(v, 0, floats);
                        times[i] = (System.nanoTime() - t0) / 1e6;
                        double[] split = ring.timeSplit();
                        for (int j = 0; j < 3; j++) {
                            splits[j][i] = split[j];
                        }
                        float expected = ring.size() * (ring.size() - 1) / 2f;
                        if (v[0] != expected || v[floats - 1] != expected) {
                            throw new IllegalStateException("wrong sum " + v[0] + ", " + v[floats - 1] + "; expected " + expected);
                        }
                    }
                    double median = median(Arrays.copyOfRange(times, 1, times.length));
                    StringBuilder figure = new StringBuilder().append(median).append(';').append(ring.transport());
                    for (double[] split : splits) {
                        figure.append(';').append(median(Arrays.copyOfRange(split, 1, split.length)));
                    }
                    return CollectionConverters.asScala(List.of(figure.toString()).iterator());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
