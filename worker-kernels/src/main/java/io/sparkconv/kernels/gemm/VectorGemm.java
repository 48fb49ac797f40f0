package io.sparkconv.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: 4 rows x 3 vectors of C (4 x 48 floats with 16 lanes) held in
 * 12 FloatVector accumulators across the whole k pass.
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
        super(NR, 256, 128, 2048);
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
    void tile(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
              boolean add, float[] c, int ci, int ldc) {
        // Narrower kernels for the last column panel: n = 196 is 4 x 48 + 4, and running the
        // 3-vector kernel there would do 12x the needed work on that panel.
        if (cols > 2 * L) {
            tile3(kc, ap, ai, bp, bi, bStride, rows, cols, add, c, ci, ldc);
        } else if (cols > L) {
            tile2(kc, ap, ai, bp, bi, bStride, rows, cols, add, c, ci, ldc);
        } else {
            tile1(kc, ap, ai, bp, bi, bStride, rows, cols, add, c, ci, ldc);
        }
    }

    private void tile3(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
                       boolean add, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
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
        boolean full = rows == MR && cols == NR;
        float[] t = full ? c : new float[MR * NR];
        int i0 = full ? ci : 0;
        int ld = full ? ldc : NR;
        boolean acc = full && add;
        put(c00, t, i0, acc);
        put(c01, t, i0 + L, acc);
        put(c02, t, i0 + 2 * L, acc);
        put(c10, t, i0 + ld, acc);
        put(c11, t, i0 + ld + L, acc);
        put(c12, t, i0 + ld + 2 * L, acc);
        put(c20, t, i0 + 2 * ld, acc);
        put(c21, t, i0 + 2 * ld + L, acc);
        put(c22, t, i0 + 2 * ld + 2 * L, acc);
        put(c30, t, i0 + 3 * ld, acc);
        put(c31, t, i0 + 3 * ld + L, acc);
        put(c32, t, i0 + 3 * ld + 2 * L, acc);
        if (!full) {
            storeEdge(t, rows, cols, add, c, ci, ldc);
        }
    }

    private void tile2(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
                       boolean add, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
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
        boolean full = rows == MR && cols == 2 * L;
        float[] t = full ? c : new float[MR * NR];
        int i0 = full ? ci : 0;
        int ld = full ? ldc : NR;
        boolean acc = full && add;
        put(c00, t, i0, acc);
        put(c01, t, i0 + L, acc);
        put(c10, t, i0 + ld, acc);
        put(c11, t, i0 + ld + L, acc);
        put(c20, t, i0 + 2 * ld, acc);
        put(c21, t, i0 + 2 * ld + L, acc);
        put(c30, t, i0 + 3 * ld, acc);
        put(c31, t, i0 + 3 * ld + L, acc);
        if (!full) {
            storeEdge(t, rows, cols, add, c, ci, ldc);
        }
    }

    private void tile1(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
                       boolean add, float[] c, int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
        }
        boolean full = rows == MR && cols == L;
        float[] t = full ? c : new float[MR * NR];
        int i0 = full ? ci : 0;
        int ld = full ? ldc : NR;
        boolean acc = full && add;
        put(c0, t, i0, acc);
        put(c1, t, i0 + ld, acc);
        put(c2, t, i0 + 2 * ld, acc);
        put(c3, t, i0 + 3 * ld, acc);
        if (!full) {
            storeEdge(t, rows, cols, add, c, ci, ldc);
        }
    }

    /**
     * Stores or accumulates one vector. Kept under C2's 35-byte always-inline limit: a larger
     * helper was left out of line on cold call sites and every vector passed to it was boxed.
     */
    private static void put(FloatVector v, float[] t, int i, boolean add) {
        if (add) {
            v = v.add(FloatVector.fromArray(S, t, i));
        }
        v.intoArray(t, i);
    }
}
