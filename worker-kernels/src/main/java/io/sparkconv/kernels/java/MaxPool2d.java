package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.Arrays;

/**
 * Max pooling. Forward keeps, for each output, the index in x of the window's maximum (the first
 * one on ties); backward routes each output gradient to that index and nowhere else. Windows may
 * overlap (stride < kernel), so backward adds.
 */
final class MaxPool2d extends JavaLayer {
    private final int kh, kw, sh, sw;
    private int[] argmax = new int[0];

    MaxPool2d(PlannedLayer plan) {
        super(plan);
        LayerSpec.MaxPool spec = (LayerSpec.MaxPool) plan.spec();
        kh = spec.kernel().h();
        kw = spec.kernel().w();
        sh = spec.stride().h();
        sw = spec.stride().w();
    }

    /** For tests: the stored argmax of each output of the last forward pass. */
    int[] argmax() {
        return argmax;
    }

    // x is (n, C, H, W); y will be (n, C, OH, OW); argmax will be (n, C, OH, OW) indices into x
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int h = in.height(), w = in.width(), oh = out.height(), ow = out.width();
        if (argmax.length < n * out.size()) {
            argmax = new int[n * out.size()];
        }
        int[] arg = argmax;
        pass.team.forEach(n * in.channels(), plane -> {
            int xBase = plane * h * w;
            int yBase = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = xBase + oy * sh * w + ox * sw;
                    float max = x[best];
                    for (int ki = 0; ki < kh; ki++) {
                        int row = xBase + (oy * sh + ki) * w + ox * sw;
                        for (int kj = 0; kj < kw; kj++) {
                            if (x[row + kj] > max) {
                                max = x[row + kj];
                                best = row + kj;
                            }
                        }
                    }
                    y[yBase + oy * ow + ox] = max;
                    arg[yBase + oy * ow + ox] = best;
                }
            }
        });
    }

    // forward: y[j] = x[argmax[j]]  =>  dx[argmax[j]] += dy[j]
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        if (dx == null) {
            return;
        }
        int inPlane = in.height() * in.width();
        int outPlane = out.height() * out.width();
        int[] arg = argmax;
        pass.team.forEach(n * in.channels(), plane -> {
            Arrays.fill(dx, plane * inPlane, (plane + 1) * inPlane, 0f);
            for (int j = plane * outPlane, end = j + outPlane; j < end; j++) {
                dx[arg[j]] += dy[j];
            }
        });
    }
}
