package io.sparkconv.driver.distributed;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.BatchPlan;
import io.sparkconv.kernels.train.HopelessRun;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code sync: spark}: one Spark job per step, in the style of MLlib's RDDLossFunction: broadcast the
 * parameters, treeAggregate the workers' gradients, update on the driver, destroy the broadcast.
 * For clusters that refuse barrier stages (dynamic allocation), and the baseline the ring is
 * measured against. Each executor keeps its shard and its net between steps ({@link StepWorkers}).
 */
final class SparkStepTraining {
    private SparkStepTraining() {}

    static List<WorkerResult> run(JavaSparkContext sc, WorkerSpec spec, ProgressDisplay progress) throws IOException {
        TrainConfig config = TrainConfig.fromJson(spec.configJson());
        TrainingConfig t = config.training();
        NetPlan plan = NetPlan.of(config.netSpec());
        int k = spec.workers();
        int trainSize = StepWorkers.trainSize(spec);
        BatchPlan batches = new BatchPlan(t.seed(), trainSize, t.batchSize(), k);
        float[] params = new float[plan.paramCount()];
        Sgd sgd = new Sgd(plan, t.sgd());
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valAccuracy = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        int startEpoch = 0;
        int startStep = 0;
        Optional<Checkpoint> resume = Checkpoint.latest(spec.checkpointDir());
        if (resume.isPresent()) {
            Checkpoint c = resume.get();
            c.restoreInto(params, sgd.velocity(), trainLoss, valAccuracy, valLoss);
            startEpoch = c.header().epoch();
            startStep = c.header().step();
        } else {
            ParameterInit.initialize(plan, params, t.seed());
        }
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, k);
        int steps = batches.stepsPerEpoch();
        long exchangeNanos = 0;
        long stepsRun = 0;
        long loopNanos = 0;
        try (ThreadTeam team = new ThreadTeam(1)) {
            for (int epoch = startEpoch; epoch < t.epochs(); epoch++) {
                double lossSum = 0;
                long epochStart = System.nanoTime();
                long lastReport = epochStart;
                int first = epoch == startEpoch ? startStep : 0;
                for (int s = first; s < steps; s++) {
                    long t0 = System.nanoTime();
                    Broadcast<float[]> current = sc.broadcast(params);
                    final int ep = epoch;
                    final int st = s;
                    float[] sum = slots
                            .map(rank -> StepWorkers.get(spec, rank).gradient(current.value(), ep, st))
                            .treeAggregate(new float[params.length + 1], SparkStepTraining::add, SparkStepTraining::add);
                    current.destroy();
                    exchangeNanos += System.nanoTime() - t0;
                    stepsRun++;
                    lossSum += sum[params.length];
                    double lr = t.sgd().lr() * t.schedule().factor(epoch + (double) s / steps, t.epochs());
                    sgd.apply(params, sum, lr, team);
                    long now = System.nanoTime();
                    if (now - lastReport > 2_000_000_000L || s == steps - 1) {
                        progress.step(epoch, t.epochs(), s + 1, steps,
                                lossSum / (s + 1 - first), (double) (s + 1 - first) * t.batchSize() / ((now - epochStart) / 1e9));
                        lastReport = now;
                    }
                }
                loopNanos += System.nanoTime() - epochStart;
                Broadcast<float[]> current = sc.broadcast(params);
                float[] val = slots.map(rank -> StepWorkers.get(spec, rank).validate(current.value()))
                        .treeAggregate(new float[3], SparkStepTraining::add, SparkStepTraining::add);
                current.destroy();
                trainLoss.add(lossSum / Math.max(1, steps - first));
                valAccuracy.add(val[2] > 0 ? val[0] / val[2] : Double.NaN);
                valLoss.add(val[2] > 0 ? val[1] / val[2] : Double.NaN);
                progress.line(String.format("epoch %d: train loss %.4f, validation accuracy %.4f (loss %.4f), %.1f s", epoch + 1,
                        trainLoss.get(trainLoss.size() - 1), valAccuracy.get(valAccuracy.size() - 1),
                        valLoss.get(valLoss.size() - 1), (System.nanoTime() - epochStart) / 1e9));
                Checkpoint.Header header = new Checkpoint.Header(epoch + 1, 0, (long) (epoch + 1) * steps, t.seed(),
                        plan.paramCount(), List.copyOf(trainLoss), List.copyOf(valAccuracy), List.copyOf(valLoss),
                        0, spec.configJson());
                new Checkpoint(header, params, sgd.velocity()).write(spec.checkpointDir());
                if (HopelessRun.shouldStop(epoch + 1, t.stopHopelessAfter(), trainLoss.get(trainLoss.size() - 1),
                        valAccuracy.get(valAccuracy.size() - 1), plan.classes())) {
                    progress.line(String.format("stopping after epoch %d: the run is hopeless", epoch + 1));
                    break;
                }
            }
        }
        StepWorkers.release(spec);
        return List.of(new WorkerResult(0, 0, params, exchangeNanos / 1e6 / Math.max(1, stepsRun), 0, stepsRun,
                loopNanos / 1e9));
    }

    /** Element-wise sum, in place into the first argument (treeAggregate's seqOp and combOp). */
    static float[] add(float[] into, float[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
        return into;
    }
}
