package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.checkpoint.CheckpointWriter;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.progress.DisplayProgress;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.driver.train.RunContext;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.Replicas;
import io.sparkconv.kernels.train.ValidationScores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code sync: spark}: the epoch loop on the driver, each step's gradient from one Spark job
 * (broadcast the parameters, every executor its share's gradient, treeAggregate the sum), the update
 * on the driver, as Spark MLlib's RDDLossFunction does it. For clusters that refuse barrier stages
 * (dynamic allocation), and the baseline the ring is measured against. Each executor keeps its
 * shard and its net between steps ({@link StepWorkers}).
 */
public final class SparkStepTraining {
    private SparkStepTraining() {}

    static List<WorkerResult> run(JavaSparkContext sc, WorkerSpec spec, ProgressDisplay display) throws IOException {
        RunContext run = RunContext.of(TrainConfig.fromJson(spec.configJson())).checkWorkers(spec.workers());
        TrainingConfig t = run.config().training();
        float[] params = new float[run.plan().paramCount()];
        float[] grads = new float[params.length];
        Optional<Checkpoint> resume = Checkpoint.latest(spec.checkpointDir());
        if (resume.isEmpty()) {
            ParameterInit.initialize(run.plan(), params, t.seed());
        }
        int restarts = Math.max(spec.attempt(), resume.map(c -> c.header().restarts()).orElse(0));
        StepJobs jobs = new StepJobs(sc, spec, params, grads);
        try (ThreadTeam team = new ThreadTeam(1)) {
            EpochLoop.Outcome outcome = new EpochLoop(run.loopPlan(spec.checkpointEvery()),
                    new EpochLoop.Model(params, grads, () -> {}), new Sgd(run.plan(), t.sgd()), team, jobs)
                    .checkpointsTo(new CheckpointWriter(spec.checkpointDir(), t.seed(), restarts, spec.configJson()))
                    .reportingTo(new DisplayProgress(display))
                    .run(resume.map(Checkpoint::state).orElse(null));
            float[] test = spec.scoreTest() && outcome.stop() != EpochLoop.Stop.DIVERGED ? jobs.test() : null;
            return List.of(new WorkerResult(0, 0, params, jobs.exchangeMillisPerStep(), 0, outcome.stepsRun(),
                    outcome.loopSeconds(), outcome.stop().name(), outcome.message(), test, 0, jobs.held(), jobs.backend(), 0, 0));
        } finally {
            StepWorkers.release(spec);
        }
    }

    /** The replicas as Spark jobs: one per step, one per validation. */
    private static final class StepJobs implements Replicas {
        private final JavaSparkContext sc;
        private final WorkerSpec spec;
        private final float[] params;
        private final float[] grads;
        private final JavaRDD<Integer> slots;
        private long exchangeNanos;
        private long steps;

        StepJobs(JavaSparkContext sc, WorkerSpec spec, float[] params, float[] grads) {
            this.sc = sc;
            this.spec = spec;
            this.params = params;
            this.grads = grads;
            List<Integer> ranks = new ArrayList<>();
            for (int r = 0; r < spec.workers(); r++) {
                ranks.add(r);
            }
            this.slots = sc.parallelize(ranks, spec.workers());
        }

        @Override
        public double gradient(int epoch, int step) {
            long t0 = System.nanoTime();
            // Locals only in the closures: the task must not capture this (the context is not serializable).
            WorkerSpec run = spec;
            Broadcast<float[]> current = sc.broadcast(params);
            float[] sum = slots
                    .map(rank -> StepWorkers.get(run, rank).gradient(current.value(), epoch, step))
                    .treeAggregate(new float[params.length + 1], SparkStepTraining::add, SparkStepTraining::add);
            current.destroy();
            System.arraycopy(sum, 0, grads, 0, grads.length);
            exchangeNanos += System.nanoTime() - t0;
            steps++;
            return sum[params.length];
        }

        @Override
        public ValidationScores validate() {
            WorkerSpec run = spec;
            Broadcast<float[]> current = sc.broadcast(params);
            float[] val = slots.map(rank -> StepWorkers.get(run, rank).validate(current.value()))
                    .treeAggregate(new float[3], SparkStepTraining::add, SparkStepTraining::add);
            current.destroy();
            return new ValidationScores(val[0], val[1], (long) val[2]);
        }

        /** What rank 0's net runs on. */
        String backend() {
            WorkerSpec run = spec;
            return slots.map(rank -> StepWorkers.get(run, rank).backend()).first();
        }

        /** How rank 0 holds its part of the training split. */
        String held() {
            WorkerSpec run = spec;
            return slots.map(rank -> StepWorkers.get(run, rank).held()).first();
        }

        /** The test split, once, with the final parameters: each rank its units. */
        float[] test() {
            WorkerSpec run = spec;
            Broadcast<float[]> current = sc.broadcast(params);
            float[] sums = slots.map(rank -> StepWorkers.get(run, rank).test(current.value()))
                    .treeAggregate(new float[3], SparkStepTraining::add, SparkStepTraining::add);
            current.destroy();
            return sums;
        }

        /** A step's whole job (broadcast, passes, treeAggregate), ms. */
        double exchangeMillisPerStep() {
            return exchangeNanos / 1e6 / Math.max(1, steps);
        }
    }

    /** Element-wise sum, in place into the first argument (treeAggregate's seqOp and combOp). */
    public static float[] add(float[] into, float[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
        return into;
    }
}
