package io.sparkconv.kernels.gemm;

/**
 * The plain-Java micro-kernel, for JVMs started without {@code jdk.incubator.vector}. Same packing
 * and cache blocking as the vector path; only the 4 x 64 tile update differs.
 */
final class ScalarGemm extends Gemm.Kernel {
    private static final int MR = Gemm.MR;
    private static final int NR = 64;
    private static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {
        super(NR, 256, 128, 2048);
    }

    static Gemm.Kernel kernel() {
        return INSTANCE;
    }

    /** The scalar path without argument checks, for tests. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.run(INSTANCE, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    String name() {
        return "scalar";
    }

    @Override
    void tile(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
              boolean add, float[] c, int ci, int ldc) {
        // Four row accumulators updated by one loop over a fixed 64 columns: this is the shape
        // C2's SuperWord pass turns into SIMD code by itself (rank-1 update with unit stride),
        // which register-blocked scalar code (4 x 4 float locals) cannot match.
        float[] acc0 = new float[NR];
        float[] acc1 = new float[NR];
        float[] acc2 = new float[NR];
        float[] acc3 = new float[NR];
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            float a0 = ap[ai];
            float a1 = ap[ai + 1];
            float a2 = ap[ai + 2];
            float a3 = ap[ai + 3];
            for (int j = 0; j < NR; j++) {
                float bv = bp[bi + j];
                acc0[j] += a0 * bv;
                acc1[j] += a1 * bv;
                acc2[j] += a2 * bv;
                acc3[j] += a3 * bv;
            }
        }
        float[] t = new float[MR * NR];
        System.arraycopy(acc0, 0, t, 0, NR);
        System.arraycopy(acc1, 0, t, NR, NR);
        System.arraycopy(acc2, 0, t, 2 * NR, NR);
        System.arraycopy(acc3, 0, t, 3 * NR, NR);
        storeEdge(t, rows, cols, add, c, ci, ldc);
    }
}
