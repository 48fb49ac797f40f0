package io.sparkconv.kernels.java;

import io.sparkconv.kernels.random.KeyedRandom;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;

/**
 * Inverted dropout (Srivastava et al. 2014): in training each unit is kept with probability
 * 1 - rate and scaled by 1/(1 - rate), so inference is the identity. The mask of an image is keyed
 * by (seed, epoch, sample id, layer), never by thread or worker.
 */
final class Dropout extends JavaLayer {
    private final float rate;
    private final float keepScale;
    private float[] mask = new float[0];

    Dropout(PlannedLayer plan) {
        super(plan);
        this.rate = ((LayerSpec.Dropout) plan.spec()).rate();
        this.keepScale = 1f / (1f - rate);
    }

    // x is (n, D); y will be (n, D)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int d = in.size();
        if (!pass.training || rate == 0f) {
            System.arraycopy(x, 0, y, 0, n * d);
            return;
        }
        if (mask.length < n * d) {
            mask = new float[n * d];
        }
        float[] m = mask;
        pass.team.forEach(n, i -> {
            long key = KeyedRandom.key(pass.batch.seed(), pass.batch.epoch(), pass.batch.sampleIds[i], plan.index());
            int base = i * d;
            for (int j = 0; j < d; j++) {
                m[base + j] = KeyedRandom.uniform(key, j) >= rate ? keepScale : 0f;
                y[base + j] = x[base + j] * m[base + j];
            }
        });
    }

    // forward: y = x * mask  =>  dx = dy * mask
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        if (dx == null) {
            return;
        }
        int total = n * in.size();
        if (rate == 0f) {
            System.arraycopy(dy, 0, dx, 0, total);
            return;
        }
        float[] m = mask;
        elementwise(pass, total, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] = dy[i] * m[i];
            }
        });
    }
}
