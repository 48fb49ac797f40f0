package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.Arrays;

/** Average pooling over KH x KW windows that lie wholly inside the input. */
final class AvgPool2d extends JavaLayer {
    private final int kh, kw, sh, sw;

    AvgPool2d(PlannedLayer plan) {
        super(plan);
        LayerSpec.AvgPool spec = (LayerSpec.AvgPool) plan.spec();
        kh = spec.kernel().h();
        kw = spec.kernel().w();
        sh = spec.stride().h();
        sw = spec.stride().w();
    }

    // x is (n, C, H, W); y will be (n, C, OH, OW)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int h = in.height(), w = in.width(), oh = out.height(), ow = out.width();
        float inv = 1f / (kh * kw);
        pass.team.forEach(n * in.channels(), plane -> {
            int xBase = plane * h * w;
            int yBase = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float s = 0f;
                    for (int ki = 0; ki < kh; ki++) {
                        int row = xBase + (oy * sh + ki) * w + ox * sw;
                        for (int kj = 0; kj < kw; kj++) {
                            s += x[row + kj];
                        }
                    }
                    y[yBase + oy * ow + ox] = s * inv;
                }
            }
        });
    }

    // forward: y = mean of the window  =>  each x in the window gets dy / (KH*KW)
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        if (dx == null) {
            return;
        }
        int h = in.height(), w = in.width(), oh = out.height(), ow = out.width();
        float inv = 1f / (kh * kw);
        pass.team.forEach(n * in.channels(), plane -> {
            int xBase = plane * h * w;
            int yBase = plane * oh * ow;
            Arrays.fill(dx, xBase, xBase + h * w, 0f);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float g = dy[yBase + oy * ow + ox] * inv;
                    for (int ki = 0; ki < kh; ki++) {
                        int row = xBase + (oy * sh + ki) * w + ox * sw;
                        for (int kj = 0; kj < kw; kj++) {
                            dx[row + kj] += g;
                        }
                    }
                }
            }
        });
    }
}
