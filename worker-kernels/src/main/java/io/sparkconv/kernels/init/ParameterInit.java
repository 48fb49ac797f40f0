package io.sparkconv.kernels.init;

import io.sparkconv.kernels.random.KeyedRandom;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec.WeightInit;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.SplittableRandom;

/**
 * Fills a flat parameter vector from a seed: weights by the net's init rule, biases zero. Each
 * layer draws from its own stream keyed by (seed, layer index), so adding a layer at the end does
 * not change the others and every backend starts from the same numbers.
 */
public final class ParameterInit {
    private ParameterInit() {}

    public static void initialize(NetPlan plan, float[] params, long seed) {
        WeightInit rule = plan.spec().init();
        for (PlannedLayer layer : plan.layers()) {
            if (layer.weightCount() > 0) {
                SplittableRandom rng = new SplittableRandom(KeyedRandom.key(seed, layer.index()));
                fill(rule, rng, params, layer.weightOffset(), layer.weightCount(), layer.fanIn(), layer.fanOut());
            }
            java.util.Arrays.fill(params, layer.biasOffset(), layer.biasOffset() + layer.biasCount(), 0f);
        }
    }

    static void fill(WeightInit rule, SplittableRandom rng, float[] w, int off, int count, int fanIn, int fanOut) {
        switch (rule) {
            case HE -> {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < count; i++) {
                    w[off + i] = (float) (gaussian(rng) * std);
                }
            }
            case GLOROT -> {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < count; i++) {
                    w[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
                }
            }
            default -> throw new IllegalStateException(rule.toString());
        }
    }

    /** Box-Muller, so the numbers do not depend on java.util.Random's cached second value. */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
