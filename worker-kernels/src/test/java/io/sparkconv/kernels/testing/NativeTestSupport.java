package io.sparkconv.kernels.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.cpu.CpuIsa;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.SplittableRandom;

/**
 * Shared by the tests of the native backend: when they run at all, which precisions this CPU can
 * check, nets, batches, the norms.
 */
public final class NativeTestSupport {
    /** The skip reason of a bf16 case on a CPU without native bf16; .ci/run counts the skips by it. */
    public static final String NO_NATIVE_BF16 = "no native bf16";

    private NativeTestSupport() {}

    /**
     * Skips (with the loader's reason) where oneDNN cannot load, except on Linux x86-64: this build
     * ships the natives for it, so there a library that does not load is a defect, and the test fails
     * rather than letting CI go green with no native coverage.
     */
    public static void assumeOneDnn() {
        String why = OneDnn.unavailableReason();
        if (why != null && nativesShipped()) {
            fail("oneDNN does not load on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + ", where this build ships its natives: " + why);
        }
        if (why != null) {
            System.err.println("oneDNN tests skipped: " + why);
        }
        assumeTrue(why == null, () -> "oneDNN cannot load here: " + why);
    }

    /**
     * Skips a bf16 case where oneDNN would only emulate bf16 (or refuse it): the backend refuses to
     * run bf16 there, which its own test checks.
     */
    public static void assumeNativeBf16() {
        assumeOneDnn();
        CpuIsa isa = OneDnn.isa();
        assumeTrue(isa.nativeBf16(), () -> NO_NATIVE_BF16 + ": oneDNN dispatches to " + isa + " here; bf16 needs "
                + CpuIsa.BF16_NEEDS);
    }

    private static boolean nativesShipped() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** He/Glorot init from the seed, then biases (and weights) jittered so no term is zero. */
    public static void initialize(NetPlan plan, float[] params, long seed) {
        ParameterInit.initialize(plan, params, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (PlannedLayer l : plan.layers()) {
            for (int i = l.biasOffset(); i < l.biasOffset() + l.biasCount(); i++) {
                params[i] = (float) (rng.nextDouble() - 0.5) * 0.2f;
            }
        }
    }

    public static Batch randomBatch(NetPlan plan, int n, long seed) {
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
    public static void copyParameters(Net a, Net b) {
        System.arraycopy(a.parameters(), 0, b.parameters(), 0, a.parameters().length);
        b.parametersChanged();
    }

    /**
     * The norm of every comparison here: max_i |v_i - ref_i| / max_i |ref_i| over a slice, the
     * worst coordinate against the slice's scale (per coordinate would be noise where a gradient
     * is nearly zero).
     */
    public static double relErr(float[] v, float[] ref, int from, int len) {
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
    public static double relL2(float[] v, float[] ref, int from, int len) {
        double diff = 0;
        double norm = 0;
        for (int i = from; i < from + len; i++) {
            double d = (double) v[i] - ref[i];
            diff += d * d;
            norm += (double) ref[i] * ref[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** Round to nearest even bf16, as oneDNN's reorders do. */
    public static float bf16(float v) {
        int b = Float.floatToRawIntBits(v);
        return Float.intBitsToFloat((b + 0x7FFF + ((b >>> 16) & 1)) & 0xFFFF0000);
    }
}
