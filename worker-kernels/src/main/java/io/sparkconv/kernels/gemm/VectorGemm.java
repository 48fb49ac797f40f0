package io.sparkconv.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: 4 rows x 3 vectors of C (4 x 48 floats with 16 lanes) held in
 * 12 FloatVector accumulators across the whole k pass. Per k step it loads 3 vectors of B and
 * broadcasts 4 floats of A for 12 fmas, which keeps both AVX-512 fma pipes of this CPU busy
 * from L1: the kernel alone measured 225-240 GFLOPS on one core (its peak, ~64 flops/cycle).
 *
 * <p>Only {@link Gemm} may load this class, and only when {@code jdk.incubator.vector} is in the
 * boot layer.
 */
final class VectorGemm extends Gemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = Gemm.MR;
    private static final int NR = 3 * L;
    private static final VectorGemm INSTANCE = new VectorGemm();

    private VectorGemm() {
        // kc = 192 keeps a B micro-panel (192 x 48 floats, 36 KB) in the 48 KB L1 beside the A
        // panel; 256 (48 KB) measured up to 17% slower on (100, 800, 500), 128 no faster.
        // 128 x 192 of packed A (96 KB) and 192 x 1008 of packed B (774 KB) fit a 1 MB L2.
        super(NR, 192, 128, 1024);
    }

    static Gemm.Kernel kernel() {
        return INSTANCE;
    }

    /** The vector path without argument checks, for tests. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.run(INSTANCE, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    String name() {
        return "vector(" + L + " lanes)";
    }

    @Override
    int width(int cols) {
        // Narrower kernels for the last column panel: n = 196 is 4 x 48 + 4, and running the
        // 3-vector kernel there would do 12x the needed work on that panel.
        return cols > 2 * L ? 3 * L : cols > L ? 2 * L : L;
    }

    @Override
    void compute(int width, int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                 float[] in, int inOff, int inLd, float[] out, int outOff, int outLd) {
        if (width == 3 * L) {
            tile3(kc, ap, ai, bp, bi, bStride, in, inOff, inLd, out, outOff, outLd);
        } else if (width == 2 * L) {
            tile2(kc, ap, ai, bp, bi, bStride, in, inOff, inLd, out, outOff, outLd);
        } else {
            tile1(kc, ap, ai, bp, bi, bStride, in, inOff, inLd, out, outOff, outLd);
        }
    }

    // The three kernels below are one kernel at three widths, written out because Java has no
    // way to keep an array of vectors in registers. The accumulators start from C (or zeros) so
    // the tile ends with plain stores: no branch after the loop, nothing for C2 to box.

    private static void tile3(int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                              float[] in, int inOff, int inLd, float[] out, int outOff, int outLd) {
        FloatVector c00 = FloatVector.fromArray(S, in, inOff);
        FloatVector c01 = FloatVector.fromArray(S, in, inOff + L);
        FloatVector c02 = FloatVector.fromArray(S, in, inOff + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, in, inOff + inLd);
        FloatVector c11 = FloatVector.fromArray(S, in, inOff + inLd + L);
        FloatVector c12 = FloatVector.fromArray(S, in, inOff + inLd + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, in, inOff + 2 * inLd);
        FloatVector c21 = FloatVector.fromArray(S, in, inOff + 2 * inLd + L);
        FloatVector c22 = FloatVector.fromArray(S, in, inOff + 2 * inLd + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, in, inOff + 3 * inLd);
        FloatVector c31 = FloatVector.fromArray(S, in, inOff + 3 * inLd + L);
        FloatVector c32 = FloatVector.fromArray(S, in, inOff + 3 * inLd + 2 * L);
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
        }
        c00.intoArray(out, outOff);
        c01.intoArray(out, outOff + L);
        c02.intoArray(out, outOff + 2 * L);
        c10.intoArray(out, outOff + outLd);
        c11.intoArray(out, outOff + outLd + L);
        c12.intoArray(out, outOff + outLd + 2 * L);
        c20.intoArray(out, outOff + 2 * outLd);
        c21.intoArray(out, outOff + 2 * outLd + L);
        c22.intoArray(out, outOff + 2 * outLd + 2 * L);
        c30.intoArray(out, outOff + 3 * outLd);
        c31.intoArray(out, outOff + 3 * outLd + L);
        c32.intoArray(out, outOff + 3 * outLd + 2 * L);
    }

    private static void tile2(int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                              float[] in, int inOff, int inLd, float[] out, int outOff, int outLd) {
        FloatVector c00 = FloatVector.fromArray(S, in, inOff);
        FloatVector c01 = FloatVector.fromArray(S, in, inOff + L);
        FloatVector c10 = FloatVector.fromArray(S, in, inOff + inLd);
        FloatVector c11 = FloatVector.fromArray(S, in, inOff + inLd + L);
        FloatVector c20 = FloatVector.fromArray(S, in, inOff + 2 * inLd);
        FloatVector c21 = FloatVector.fromArray(S, in, inOff + 2 * inLd + L);
        FloatVector c30 = FloatVector.fromArray(S, in, inOff + 3 * inLd);
        FloatVector c31 = FloatVector.fromArray(S, in, inOff + 3 * inLd + L);
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        c00.intoArray(out, outOff);
        c01.intoArray(out, outOff + L);
        c10.intoArray(out, outOff + outLd);
        c11.intoArray(out, outOff + outLd + L);
        c20.intoArray(out, outOff + 2 * outLd);
        c21.intoArray(out, outOff + 2 * outLd + L);
        c30.intoArray(out, outOff + 3 * outLd);
        c31.intoArray(out, outOff + 3 * outLd + L);
    }

    private static void tile1(int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                              float[] in, int inOff, int inLd, float[] out, int outOff, int outLd) {
        FloatVector c0 = FloatVector.fromArray(S, in, inOff);
        FloatVector c1 = FloatVector.fromArray(S, in, inOff + inLd);
        FloatVector c2 = FloatVector.fromArray(S, in, inOff + 2 * inLd);
        FloatVector c3 = FloatVector.fromArray(S, in, inOff + 3 * inLd);
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + outLd);
        c2.intoArray(out, outOff + 2 * outLd);
        c3.intoArray(out, outOff + 3 * outLd);
    }
}
