package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;

/**
 * Local response normalization across channels (Krizhevsky et al. 2012, section 3.3), with alpha
 * divided by the window size as in Caffe and PyTorch:
 * s_c = k + alpha/size * sum over c' in [c - size/2, c + size/2] of x_c'^2, y_c = x_c * s_c^-beta.
 * Forward keeps s for backward.
 */
final class LocalResponseNorm extends JavaLayer {
    private final int size;
    private final float alphaOverSize, beta, k;
    private float[] scale = new float[0];
    /** Per-thread scratch for backward's dy*y/s, one image at a time. */
    private float[][] ratio = new float[0][];

    LocalResponseNorm(PlannedLayer plan) {
        super(plan);
        LayerSpec.Lrn spec = (LayerSpec.Lrn) plan.spec();
        size = spec.size();
        alphaOverSize = spec.alpha() / spec.size();
        beta = spec.beta();
        k = spec.k();
    }

    // x is (n, C, H, W); y will be (n, C, H, W); scale will be (n, C, H, W)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int c = in.channels();
        int hw = in.height() * in.width();
        if (scale.length < n * c * hw) {
            scale = new float[n * c * hw];
        }
        float[] s = scale;
        int half = size / 2;
        pass.team.forEach(n, i -> {
            int base = i * c * hw;
            for (int ch = 0; ch < c; ch++) {
                int sOff = base + ch * hw;
                java.util.Arrays.fill(s, sOff, sOff + hw, 0f);
                for (int cc = Math.max(0, ch - half), last = Math.min(c - 1, ch + half); cc <= last; cc++) {
                    int xOff = base + cc * hw;
                    for (int j = 0; j < hw; j++) {
                        float v = x[xOff + j];
                        s[sOff + j] += v * v;
                    }
                }
                for (int j = 0; j < hw; j++) {
                    float sc = k + alphaOverSize * s[sOff + j];
                    s[sOff + j] = sc;
                    y[sOff + j] = x[sOff + j] * (float) Math.pow(sc, -beta);
                }
            }
        });
    }

    // forward: y_c = x_c * s_c^-beta, s_c = k + alpha/size * sum_{c' near c} x_c'^2
    //   => dx_c = dy_c * s_c^-beta - 2*beta*alpha/size * x_c * sum_{c' near c} dy_c' * y_c' / s_c'
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        if (dx == null) {
            return;
        }
        int c = in.channels();
        int hw = in.height() * in.width();
        float factor = 2f * beta * alphaOverSize;
        int threads = pass.team.threads();
        if (ratio.length != threads) {
            ratio = new float[threads][c * hw];
        }
        pass.team.forEachThread(t -> {
            for (int i = t; i < n; i += threads) {
                backwardImage(i * c * hw, x, y, dy, dx, ratio[t], factor);
            }
        });
    }

    private void backwardImage(int base, float[] x, float[] y, float[] dy, float[] dx, float[] r, float factor) {
        int c = in.channels();
        int hw = in.height() * in.width();
        float[] s = scale;
        int half = size / 2;
        for (int j = 0; j < c * hw; j++) {
            r[j] = dy[base + j] * y[base + j] / s[base + j];
        }
        for (int ch = 0; ch < c; ch++) {
            int off = base + ch * hw;
            for (int j = 0; j < hw; j++) {
                dx[off + j] = dy[off + j] * (float) Math.pow(s[off + j], -beta);
            }
            for (int cc = Math.max(0, ch - half), last = Math.min(c - 1, ch + half); cc <= last; cc++) {
                int rOff = cc * hw;
                for (int j = 0; j < hw; j++) {
                    dx[off + j] -= factor * x[off + j] * r[rOff + j];
                }
            }
        }
    }
}
