package io.sparkconv.kernels.onednn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.SplittableRandom;

/** Shared by the oneDNN tests: the skip when the library cannot load, nets, batches, the norm. */
final class NativeTestSupport {
    private NativeTestSupport() {}

    /** Skips (with the loader's reason) where oneDNN cannot load; CI has it, so there they run. */
    static void assumeOneDnn() {
        String why = OneDnn.unavailableReason();
        if (why != null) {
            System.err.println("oneDNN tests skipped: " + why);
        }
        assumeTrue(why == null, () -> "oneDNN cannot load here: " + why);
    }

    /** He/Glorot init from the seed, then biases (and weights) jittered so no term is zero. */
    static void initialize(NetPlan plan, float[] params, long seed) {
        ParameterInit.initialize(plan, params, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (PlannedLayer l : plan.layers()) {
            for (int i = l.biasOffset(); i < l.biasOffset() + l.biasCount(); i++) {
                params[i] = (float) (rng.nextDouble() - 0.5) * 0.2f;
            }
        }
    }

    static Batch randomBatch(NetPlan plan, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Batch b = new Batch(n, plan.input().size());
        for (int i = 0; i < b.images.length; i++) {
            b.images[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < n; i++) {
            b.labels[i] = rng.nextInt(plan.classes());
            b.sampleIds[i] = 1000 + i;
        }
        return b.fill(n, 3, seed);
    }

    /** Copies the parameters of a into b and tells b. */
    static void copyParameters(Net a, Net b) {
        System.arraycopy(a.parameters(), 0, b.parameters(), 0, a.parameters().length);
        b.parametersChanged();
    }

    /**
     * The norm of every comparison here: max_i |v_i - ref_i| / max_i |ref_i| over a slice, the
     * worst coordinate against the slice's scale (per coordinate would be noise where a gradient
     * is nearly zero).
     */
    static double relErr(float[] v, float[] ref, int from, int len) {
        double diff = 0;
        double scale = 0;
        for (int i = from; i < from + len; i++) {
            diff = Math.max(diff, Math.abs((double) v[i] - ref[i]));
            scale = Math.max(scale, Math.abs((double) ref[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /**
     * The bf16 norm: ||v - ref||_2 / ||ref||_2 over a slice. In bf16 a few coordinates legitimately
     * differ by O(1) of their size: rounding the inputs reorders near-equal values in a max-pool window
     * (the gradient goes to another pixel) and flips the sign of near-zero pre-activations (the ReLU
     * gate changes), so the max norm measures those flips, while the 2-norm measures the whole.
     */
    static double relL2(float[] v, float[] ref, int from, int len) {
        double diff = 0;
        double norm = 0;
        for (int i = from; i < from + len; i++) {
            double d = (double) v[i] - ref[i];
            diff += d * d;
            norm += (double) ref[i] * ref[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }
}
