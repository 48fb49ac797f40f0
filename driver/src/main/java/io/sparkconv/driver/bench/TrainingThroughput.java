package io.sparkconv.driver.bench;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.optim.SgdSettings;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.TrainingStep;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Steady-state training throughput of a net (forward, backward and the SGD update as
 * docs/benchmarks.md fixes it: momentum 0.9, lr 0.01, L2 5e-4) on synthetic random images, after a
 * warm-up (primitive creation, JIT, first touch of buffers; at least 3 steps and 1 s): what
 * {@code sparkconv bench} prints; or, with {@code forward}, inference only (the class
 * probabilities of a batch), what {@code predict} is measured against.
 */
public final class TrainingThroughput {
    /**
     * @param median images per second, the median of the repeats
     * @param rates  each repeat's images per second
     * @param steps  steps per repeat
     */
    public record Result(String backend, double median, double[] rates, int steps) {}

    private TrainingThroughput() {}

    /** repeats timed runs of about seconds each, of batches of b images on threads threads. */
    public static Result measure(NetPlan plan, Backend backend, int threads, int b, int repeats, double seconds) {
        return measure(plan, backend, threads, b, repeats, seconds, false);
    }

    /** As {@link #measure(NetPlan, Backend, int, int, int, double)}; forward: inference only. */
    public static Result measure(NetPlan plan, Backend backend, int threads, int b, int repeats, double seconds,
                                 boolean forward) {
        try (ThreadTeam team = new ThreadTeam(threads); Net n = backend.compile(plan, b, team)) {
            ParameterInit.initialize(plan, n.parameters(), 1);
            n.parametersChanged();
            TrainingStep training = new TrainingStep(n, new Sgd(plan, new SgdSettings(0.01, 0.9, 5e-4, false)), team);
            Batch data = syntheticBatch(plan, b);
            float[] probabilities = new float[b * plan.classes()];
            Runnable step = forward ? () -> n.predict(data.images, b, probabilities) : () -> training.run(data, 0.01);
            long start = System.nanoTime();
            int warm = 0;
            while (warm < 3 || System.nanoTime() - start < 1_000_000_000L) {
                step.run();
                warm++;
            }
            double stepSeconds = (System.nanoTime() - start) / 1e9 / warm;
            int steps = Math.max(1, (int) Math.ceil(seconds / stepSeconds));
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    step.run();
                }
                rates[r] = (double) steps * b / ((System.nanoTime() - t0) / 1e9);
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            double median = repeats % 2 == 1 ? sorted[repeats / 2] : (sorted[repeats / 2 - 1] + sorted[repeats / 2]) / 2;
            return new Result(n.backend(), median, rates, steps);
        }
    }

    /** Random images in [-1, 1) and random labels: the arithmetic does not depend on the values. */
    static Batch syntheticBatch(NetPlan plan, int b) {
        SplittableRandom rng = new SplittableRandom(42);
        Batch data = new Batch(b, plan.input().size());
        for (int i = 0; i < data.images.length; i++) {
            data.images[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b; i++) {
            data.labels[i] = rng.nextInt(plan.classes());
            data.sampleIds[i] = i;
        }
        return data.fill(b, 0, 42);
    }
}
