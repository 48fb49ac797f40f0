package io.sparkconv.kernels.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Central finite differences against a layer's backward. The probe objective is
 * f = sum(y * r) for a fixed random r (so dy = r), or the loss itself for the loss layer.
 * Floats limit the accuracy: eps = 1e-2 and a tolerance of 5e-4 absolute plus 2e-3 relative
 * per coordinate, with inputs kept at least 0.05 from ReLU's kink and max-pool ties.
 */
final class GradientCheck {
    static final float EPS = 1e-2f;
    final ThreadTeam team;
    final JavaLayer layer;
    final PlannedLayer plan;
    final float[] params;
    final float[] grads;
    final int n;
    final float[] x;
    final float[] r;
    final Batch batch;
    final boolean isLoss;

    /** The layer as the first layer of a net on the given input, followed by the loss. */
    static PlannedLayer plan(Shape input, LayerSpec spec) {
        List<LayerSpec> layers = spec instanceof LayerSpec.SoftmaxCrossEntropy
                ? List.of(spec)
                : List.of(spec, new LayerSpec.SoftmaxCrossEntropy("loss"));
        return NetPlan.of(new NetSpec("probe", input, null, layers)).layers().get(0);
    }

    /**
     * @param spaced inputs pairwise 0.05 apart and away from zero (for ReLU and max pooling, whose
     *               derivatives jump); otherwise uniform in [-1, 1]
     */
    GradientCheck(PlannedLayer plan, int n, long seed, int threads, boolean spaced) {
        this.plan = plan;
        this.n = n;
        this.team = new ThreadTeam(threads);
        this.params = new float[plan.paramCount()];
        this.grads = new float[plan.paramCount()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (rng.nextDouble() - 0.5);
        }
        int inSize = plan.in().size();
        x = spaced ? spacedValues(n * inSize, rng) : uniform(n * inSize, rng);
        r = new float[n * plan.out().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        batch = new Batch(n, inSize);
        for (int i = 0; i < n; i++) {
            batch.labels[i] = rng.nextInt(plan.out().size());
            batch.sampleIds[i] = 1000 + i;
        }
        batch.fill(n, 3, seed);
        isLoss = plan.spec() instanceof LayerSpec.SoftmaxCrossEntropy;
        layer = JavaNet.createLayer(plan, params, grads, threads);
    }

    static float[] uniform(int count, SplittableRandom rng) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Distinct values, pairwise at least 0.05 apart, none within 0.025 of zero. */
    static float[] spacedValues(int count, SplittableRandom rng) {
        int[] perm = new int[count];
        for (int i = 0; i < count; i++) {
            perm[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (perm[i] - count / 2 + 0.5f) * 0.05f;
        }
        return v;
    }

    Pass pass() {
        Pass p = new Pass(team);
        p.training = true;
        p.batch = batch;
        p.lossScale = 1f / n;
        return p;
    }

    double objective() {
        float[] y = new float[n * plan.out().size()];
        Pass p = pass();
        layer.forward(x, y, n, p);
        if (isLoss) {
            return p.loss;
        }
        double f = 0;
        for (int i = 0; i < y.length; i++) {
            f += (double) y[i] * r[i];
        }
        return f;
    }

    /** Runs backward once and checks dx and every parameter gradient (or a sample of at most maxChecks each). */
    void check(int maxChecks) {
        float[] y = new float[n * plan.out().size()];
        float[] dx = new float[x.length];
        java.util.Arrays.fill(grads, 0f);
        Pass p = pass();
        layer.forward(x, y, n, p);
        layer.backward(x, y, isLoss ? null : r, dx, n, p);
        float[] paramGrads = grads.clone();
        compare("dx", x, dx, maxChecks);
        if (params.length > 0) {
            compare("dparams", params, paramGrads, maxChecks);
        }
    }

    private void compare(String what, float[] values, float[] analytic, int maxChecks) {
        int stride = Math.max(1, values.length / maxChecks);
        int checked = 0;
        for (int i = (int) (values.length % stride) / 2; i < values.length; i += stride) {
            float saved = values[i];
            values[i] = saved + EPS;
            double plus = objective();
            values[i] = saved - EPS;
            double minus = objective();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * EPS);
            double a = analytic[i];
            double err = Math.abs(a - numeric);
            double allowed = 5e-4 + 2e-3 * Math.max(Math.abs(a), Math.abs(numeric));
            final int index = i;
            assertTrue(err <= allowed, () -> String.format("%s %s[%d]: backward %.6g, finite difference %.6g",
                    plan.label(), what, index, a, numeric));
            checked++;
        }
        assertTrue(checked > 0, what + ": nothing checked");
    }
}
