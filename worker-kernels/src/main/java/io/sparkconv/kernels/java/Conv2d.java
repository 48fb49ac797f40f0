package io.sparkconv.kernels.java;

import io.sparkconv.kernels.gemm.Gemm;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.Arrays;

/**
 * Convolution by im2col and GEMM, one image per task (Chellapilla et al. 2006; Caffe's layout).
 * Images are split statically over the team's threads (thread t takes images t, t+T, ...) and
 * each thread owns its column buffers and its weight-gradient accumulator, which are summed in
 * thread order at the end: the result does not depend on scheduling.
 *
 * <p>Why per image rather than one GEMM over the whole batch: the per-image product (Cout x CKK)
 * times (CKK x OH*OW) is already large enough to keep the micro-kernel busy, and it needs no
 * transpose of the output back to NCHW.
 */
final class Conv2d extends JavaLayer {
    private final int cin, h, w, cout, kh, kw, sh, sw, ph, pw, oh, ow;
    private final int ckk; // Cin*KH*KW, the GEMM's inner dimension
    private final int p;   // OH*OW, the GEMM's columns
    private final float[] params;
    private final float[] grads;
    private final int wOff;
    private final int bOff;
    private final boolean bias;
    private final float[][] col;
    private final float[][] dcol;
    private final float[][] dwPart;

    Conv2d(PlannedLayer plan, float[] params, float[] grads, int threads) {
        super(plan);
        LayerSpec.Conv spec = (LayerSpec.Conv) plan.spec();
        cin = in.channels();
        h = in.height();
        w = in.width();
        cout = out.channels();
        kh = spec.kernel().h();
        kw = spec.kernel().w();
        sh = spec.stride().h();
        sw = spec.stride().w();
        ph = spec.pad().h();
        pw = spec.pad().w();
        oh = out.height();
        ow = out.width();
        ckk = cin * kh * kw;
        p = oh * ow;
        this.params = params;
        this.grads = grads;
        this.wOff = plan.weightOffset();
        this.bOff = plan.biasOffset();
        this.bias = plan.biasCount() > 0;
        col = new float[threads][ckk * p];
        dcol = new float[threads][ckk * p];
        dwPart = new float[threads][cout * ckk + cout];
    }

    // x is (n, Cin, H, W), weight is (Cout, Cin, KH, KW), bias is (Cout); y will be (n, Cout, OH, OW)
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int threads = pass.team.threads();
        pass.team.forEachThread(t -> {
            float[] c = col[t];
            for (int i = t; i < n; i += threads) {
                im2col(x, i * cin * h * w, c);
                int yOff = i * cout * p;
                Gemm.sgemm(false, false, cout, p, ckk, 1f, params, wOff, ckk, c, 0, p, 0f, y, yOff, p);
                if (bias) {
                    for (int o = 0; o < cout; o++) {
                        float b = params[bOff + o];
                        int base = yOff + o * p;
                        for (int j = 0; j < p; j++) {
                            y[base + j] += b;
                        }
                    }
                }
            }
        });
    }

    // forward: y_i = W * col(x_i) + b
    //   => dW += dy_i * col(x_i)^T,  db += rowsum(dy_i),  dx_i = col2im(W^T * dy_i)
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        int threads = pass.team.threads();
        int wCount = cout * ckk;
        pass.team.forEachThread(t -> {
            float[] c = col[t];
            float[] dc = dcol[t];
            float[] part = dwPart[t];
            Arrays.fill(part, 0f);
            for (int i = t; i < n; i += threads) {
                int dyOff = i * cout * p;
                im2col(x, i * cin * h * w, c);
                Gemm.sgemm(false, true, cout, ckk, p, 1f, dy, dyOff, p, c, 0, p, 1f, part, 0, ckk);
                if (bias) {
                    for (int o = 0; o < cout; o++) {
                        float s = 0f;
                        int base = dyOff + o * p;
                        for (int j = 0; j < p; j++) {
                            s += dy[base + j];
                        }
                        part[wCount + o] += s;
                    }
                }
                if (dx != null) {
                    Gemm.sgemm(true, false, ckk, p, cout, 1f, params, wOff, ckk, dy, dyOff, p, 0f, dc, 0, p);
                    col2im(dc, dx, i * cin * h * w);
                }
            }
        });
        // Fixed summation order over threads keeps the gradient independent of scheduling.
        int chunks = Math.max(1, Math.min(threads * 4, wCount / 4096));
        int per = (wCount + chunks - 1) / chunks;
        pass.team.forEach(chunks, ch -> {
            int from = ch * per;
            int to = Math.min(wCount, from + per);
            for (int t = 0; t < threads; t++) {
                float[] part = dwPart[t];
                for (int j = from; j < to; j++) {
                    grads[wOff + j] += part[j];
                }
            }
        });
        if (bias) {
            for (int t = 0; t < threads; t++) {
                for (int o = 0; o < cout; o++) {
                    grads[bOff + o] += dwPart[t][wCount + o];
                }
            }
        }
    }

    /** col[(c*KH + ki)*KW + kj][oy*OW + ox] = x[c][oy*SH - PH + ki][ox*SW - PW + kj], zero outside. */
    private void im2col(float[] x, int xOff, float[] col) {
        for (int c = 0; c < cin; c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = ((c * kh + ki) * kw + kj) * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki;
                        int dst = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w;
                        if (sw == 1) {
                            // Unit stride: the valid span is one contiguous copy.
                            int ix0 = kj - pw;
                            int lo = Math.max(0, -ix0);
                            int hi = Math.min(ow, w - ix0);
                            if (lo > 0) {
                                Arrays.fill(col, dst, dst + Math.min(lo, ow), 0f);
                            }
                            if (hi > lo) {
                                System.arraycopy(x, src + ix0 + lo, col, dst + lo, hi - lo);
                            }
                            if (hi < ow) {
                                Arrays.fill(col, dst + Math.max(hi, lo), dst + ow, 0f);
                            }
                        } else {
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * sw - pw + kj;
                                col[dst + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of im2col: dx (overwritten) gets each column entry added back where it was read. */
    private void col2im(float[] col, float[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + cin * h * w, 0f);
        for (int c = 0; c < cin; c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = ((c * kh + ki) * kw + kj) * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int src = row + oy * ow;
                        int dst = plane + iy * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * sw - pw + kj;
                            if (ix >= 0 && ix < w) {
                                dx[dst + ix] += col[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
