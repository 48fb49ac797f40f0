package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.PlannedLayer;

/** y = max(0, x), elementwise. */
final class Relu extends JavaLayer {
    Relu(PlannedLayer plan) {
        super(plan);
    }

    // x is (n, C, H, W); y will be (n, C, H, W)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        elementwise(pass, n * in.size(), (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(0f, x[i]);
            }
        });
    }

    // forward: y = max(0, x)  =>  dx = dy where y > 0
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        if (dx == null) {
            return;
        }
        elementwise(pass, n * in.size(), (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] = y[i] > 0f ? dy[i] : 0f;
            }
        });
    }
}
