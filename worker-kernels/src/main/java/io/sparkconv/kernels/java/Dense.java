package io.sparkconv.kernels.java;

import io.sparkconv.kernels.gemm.Gemm;
import io.sparkconv.kernels.spec.PlannedLayer;

/** Fully connected: y = x W^T + b over the flattened input; weight is (out, in). */
final class Dense extends JavaLayer {
    private final int inSize, outSize;
    private final float[] params;
    private final float[] grads;
    private final int wOff, bOff;
    private final boolean bias;

    Dense(PlannedLayer plan, float[] params, float[] grads) {
        super(plan);
        inSize = in.size();
        outSize = out.size();
        this.params = params;
        this.grads = grads;
        wOff = plan.weightOffset();
        bOff = plan.biasOffset();
        bias = plan.biasCount() > 0;
    }

    // x is (n, IN), weight is (OUT, IN), bias is (OUT); y will be (n, OUT)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        Gemm.sgemm(pass.team, false, true, n, outSize, inSize, 1f, x, 0, inSize, params, wOff, inSize, 0f, y, 0, outSize);
        if (bias) {
            for (int i = 0; i < n; i++) {
                int base = i * outSize;
                for (int o = 0; o < outSize; o++) {
                    y[base + o] += params[bOff + o];
                }
            }
        }
    }

    // forward: y = x W^T + b  =>  dW += dy^T x,  db += colsum(dy),  dx = dy W
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        Gemm.sgemm(pass.team, true, false, outSize, inSize, n, 1f, dy, 0, outSize, x, 0, inSize, 1f, grads, wOff, inSize);
        if (bias) {
            for (int i = 0; i < n; i++) {
                int base = i * outSize;
                for (int o = 0; o < outSize; o++) {
                    grads[bOff + o] += dy[base + o];
                }
            }
        }
        if (dx != null) {
            Gemm.sgemm(pass.team, false, false, n, inSize, outSize, 1f, dy, 0, outSize, params, wOff, inSize, 0f, dx, 0, inSize);
        }
    }
}
