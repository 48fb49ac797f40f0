package io.sparkconv.kernels.gemm;

/**
 * The plain-Java micro-kernel, for JVMs started without {@code jdk.incubator.vector}. Same packing
 * and cache blocking as the vector path; the tile is 4 x 4 floats held in 16 local variables.
 *
 * <p>Measured per core on a 192-deep tile: 11.4 GFLOPS for these 16 locals, 10.5 for 4 x 8 (32
 * locals spill), 7-10 for a 4 x 64 rank-1 update that C2 auto-vectorizes (it reloads and stores C
 * every step). {@code Math.fma} would give 13.8, but it falls back to BigDecimal arithmetic on CPUs
 * without fma, the very machines most likely to lack the vector path.
 */
final class ScalarGemm extends Gemm.Kernel {
    private static final int MR = Gemm.MR;
    private static final int NR = 4;
    private static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {
        super(NR, 192, 128, 1024);
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
    int width(int cols) {
        return NR;
    }

    @Override
    void compute(int width, int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                 float[] in, int inOff, int inLd, float[] out, int outOff, int outLd) {
        int i0 = inOff;
        int i1 = inOff + inLd;
        int i2 = inOff + 2 * inLd;
        int i3 = inOff + 3 * inLd;
        float c00 = in[i0], c01 = in[i0 + 1], c02 = in[i0 + 2], c03 = in[i0 + 3];
        float c10 = in[i1], c11 = in[i1 + 1], c12 = in[i1 + 2], c13 = in[i1 + 3];
        float c20 = in[i2], c21 = in[i2 + 1], c22 = in[i2 + 2], c23 = in[i2 + 3];
        float c30 = in[i3], c31 = in[i3 + 1], c32 = in[i3 + 2], c33 = in[i3 + 3];
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            float b0 = bp[bi];
            float b1 = bp[bi + 1];
            float b2 = bp[bi + 2];
            float b3 = bp[bi + 3];
            float a0 = ap[ai];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            float a1 = ap[ai + 1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            float a2 = ap[ai + 2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            float a3 = ap[ai + 3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        int o0 = outOff;
        int o1 = outOff + outLd;
        int o2 = outOff + 2 * outLd;
        int o3 = outOff + 3 * outLd;
        out[o0] = c00; out[o0 + 1] = c01; out[o0 + 2] = c02; out[o0 + 3] = c03;
        out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
        out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
        out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
    }
}
