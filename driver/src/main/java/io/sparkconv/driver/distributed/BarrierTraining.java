package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.ring.RingAllReduce;
import io.sparkconv.driver.ring.RingEndpoint;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The barrier stage: K tasks that start together, find each other once through
 * {@link BarrierTaskContext#allGather} (about a second here, so never per step), join the ring,
 * and train to the end. Spark does not retry a failed barrier result stage ("Could not recover
 * from a failed barrier ResultStage"), so {@link SparkTrainer} launches the job again and every
 * worker resumes from the last checkpoint.
 */
public final class BarrierTraining {
    private BarrierTraining() {}

    public static List<WorkerResult> run(JavaSparkContext sc, WorkerSpec spec) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < spec.workers(); r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, spec.workers());
        ClassTag<WorkerResult> tag = ClassTag$.MODULE$.apply(WorkerResult.class);
        RDD<WorkerResult> results = slots.rdd().barrier().mapPartitions(new Task(spec), false, tag);
        return results.toJavaRDD().collect();
    }

    /** The body of one barrier task. */
    static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<WorkerResult>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final WorkerSpec spec;

        Task(WorkerSpec spec) {
            this.spec = spec;
        }

        @Override
        public Iterator<WorkerResult> apply(Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId();
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            try {
                boolean sharedMemory = TrainConfig.fromJson(spec.configJson()).distributed().sharedMemory();
                RingEndpoint mine = RingEndpoint.listen(host, sharedMemory);
                List<String> peers = List.of(ctx.allGather(mine.announcement()));
                int attempt = spec.attempt() + ctx.stageAttemptNumber();
                long runId = spec.runId() * 1000 + attempt;
                try (RingAllReduce ring = RingAllReduce.connect(rank, peers, mine, runId,
                        Duration.ofMillis(spec.timeoutMillis()))) {
                    WorkerResult result = new TrainingWorker(spec, rank, ring).run(attempt);
                    return CollectionConverters.asScala(List.of(result).iterator());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("training worker " + rank + " (attempt "
                        + (spec.attempt() + ctx.stageAttemptNumber()) + "): " + e.getMessage(), e);
            }
        }
    }
}
