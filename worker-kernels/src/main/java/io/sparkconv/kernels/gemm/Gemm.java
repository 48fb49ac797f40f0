package io.sparkconv.kernels.gemm;

import io.sparkconv.kernels.parallel.ThreadTeam;
import java.util.Arrays;
import java.util.Locale;

/**
 * Single-precision matrix multiply, {@code C = alpha * op(A) * op(B) + beta * C}, on row-major
 * {@code float[]} arrays with offsets and leading dimensions (the BLAS {@code sgemm} contract,
 * transposed to row-major).
 *
 * <p>Two implementations share one blocked driver (packing, cache blocking) and differ only in the
 * register-blocked micro-kernel: {@code VectorGemm} on the incubator Vector API when the
 * {@code jdk.incubator.vector} module is in the boot layer (start the JVM with
 * {@code --add-modules jdk.incubator.vector}), else {@code ScalarGemm}, plain Java at about a
 * tenth of the speed. The choice is made once; {@link #implementation()} reports it.
 *
 * <p><b>Thread safety:</b> every method may be called concurrently from any number of threads as
 * long as the calls do not write overlapping parts of the same {@code C} (and no call writes what
 * another reads). Packing scratch is per thread: each thread that has called {@code sgemm} keeps
 * its buffers (under 1 MB) in a {@link ThreadLocal} for its later calls.
 *
 * <p><b>Warm-up:</b> until C2 has compiled the kernels (about a second of GEMM work), Vector API
 * code runs in the interpreter at well under 1 GFLOPS; time only after that.
 */
public final class Gemm {
    /**
     * Below this many flops the parallel variant runs on the calling thread. Handing work to a
     * ThreadTeam and joining it measured 70-100 us per call on this 2-vCPU VM (the parked pool
     * threads must be woken; p90 far worse), so a 2-way split of the conv shapes (3-15 MFLOP,
     * 40-190 us) lost 5-35%; at 29.5 MFLOP it gained 10-25%, at 80 MFLOP 25-60%.
     */
    static final long PARALLEL_MIN_FLOPS = 30_000_000L;

    /**
     * Rows of every micro-tile. 4 divides every m the CNN has but 50 (20, 32, 64, 100, 288, 500,
     * 576), so row edges are rare; 6 or 8 rows would pad m = 20 to 24 and m = 50 to 54 or 56.
     */
    static final int MR = 4;

    // Checked by module presence rather than by catching NoClassDefFoundError: VectorGemm must
    // never even be loaded without the module, and HotSpot only resolves the class named in an
    // invokestatic when that instruction first runs.
    private static final boolean VECTOR_MODULE =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final Kernel KERNEL = VECTOR_MODULE ? VectorGemm.kernel() : ScalarGemm.kernel();

    /** Grows to the largest packing need seen on the thread; never shared between threads. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private Gemm() {
    }

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C} on the calling thread.
     *
     * <p>All matrices are row-major: element (r, c) of a matrix stored with leading dimension
     * {@code ld} at offset {@code off} is {@code array[off + r * ld + c]}.
     *
     * @param transA if false, A is stored m x k and op(A) = A; if true, A is stored k x m and
     *               op(A) = A<sup>T</sup>
     * @param transB if false, B is stored k x n and op(B) = B; if true, B is stored n x k and
     *               op(B) = B<sup>T</sup>
     * @param m      rows of op(A) and of C, {@code >= 0}
     * @param n      columns of op(B) and of C, {@code >= 0}
     * @param k      columns of op(A) and rows of op(B), {@code >= 0}; when 0, C becomes beta * C
     * @param alpha  scale of the product
     * @param a      storage of A
     * @param aOff   index of A's element (0, 0) in {@code a}
     * @param lda    distance between consecutive stored rows of A; at least its stored row length
     *               ({@code k} if !transA, else {@code m})
     * @param b      storage of B
     * @param bOff   index of B's element (0, 0) in {@code b}
     * @param ldb    distance between consecutive stored rows of B; at least {@code n} if !transB,
     *               else {@code k}
     * @param beta   scale of the old C; when exactly 0 the old C is never read, so it may hold
     *               anything, NaN included
     * @param c      storage of C, written in place; must not overlap A or B
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    distance between consecutive rows of C; at least {@code n}
     * @throws IllegalArgumentException  if a size is negative or a leading dimension too small
     * @throws IndexOutOfBoundsException if an array is too short for the matrix described
     * @throws NullPointerException      if C is null, or A or B while {@code k > 0}
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        run(KERNEL, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Same as {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)}, split over the team's threads.
     *
     * <p>C is cut into one contiguous block per thread, of whole rows or whole columns, whichever
     * dimension has more micro-tiles (columns whenever there are enough of them if transB, which
     * spares each thread from transposing all of B). Each block is an independent single-threaded
     * multiply, so the result is bitwise identical to the single-threaded call. Problems under
     * 30 MFLOP run on the calling thread: waking the team costs more than it saves below that.
     * Blocks until all parts are done.
     *
     * @param team the threads to use; {@code team.forEach} is called at most once, and not at all
     *             for small problems
     */
    public static void sgemm(ThreadTeam team, boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        parallel(KERNEL, team, PARALLEL_MIN_FLOPS, transA, transB, m, n, k, alpha, a, aOff, lda,
                b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Names the active implementation, for logs: {@code "vector(16 lanes)"} (the lane count is the
     * CPU's preferred float vector length) or {@code "scalar"}.
     */
    public static String implementation() {
        return KERNEL.name();
    }

    /**
     * The parallel split with an explicit kernel and size threshold, package-private so tests can
     * split small problems on both paths.
     */
    static void parallel(Kernel kernel, ThreadTeam team, long minFlops, boolean transA, boolean transB,
                         int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int parts = team.threads();
        int rowTiles = (m + MR - 1) / MR;
        int colTiles = (n + kernel.nr - 1) / kernel.nr;
        if (parts == 1 || 2.0 * m * n * k < minFlops || Math.max(rowTiles, colTiles) < 2) {
            run(kernel, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Blocks are whole micro-tiles so no part gets a ragged edge that another could have had.
        // The dimension with more tiles balances better, but splitting rows makes every part pack
        // all of op(B), and with transB that is the costly transposing copy: then columns, given
        // enough of them. (100, 500, 800) NT: 1.46x on 2 threads by columns, 1.27x by rows.
        boolean byCols = colTiles >= rowTiles || (transB && colTiles >= 2 * parts);
        int tiles = byCols ? colTiles : rowTiles;
        int step = (byCols ? kernel.nr : MR) * ((tiles + parts - 1) / parts);
        int extent = byCols ? n : m;
        int count = (extent + step - 1) / step;
        team.forEach(count, part -> {
            int from = part * step;
            int len = Math.min(step, extent - from);
            if (byCols) {
                int bShift = transB ? from * ldb : from;
                run(kernel, transA, transB, m, len, k, alpha, a, aOff, lda,
                        b, bOff + bShift, ldb, beta, c, cOff + from, ldc);
            } else {
                int aShift = transA ? from : from * lda;
                run(kernel, transA, transB, len, n, k, alpha, a, aOff + aShift, lda,
                        b, bOff, ldb, beta, c, cOff + from * ldc, ldc);
            }
        });
    }

    /**
     * The blocked driver (the classic Goto/BLIS loop nest) for already-checked arguments.
     *
     * <p>op(B) is packed kc x nc at a time and op(A) mc x kc at a time into micro-panels laid out
     * exactly in the order the micro-kernel reads them, so its inner loop walks two arrays with
     * unit stride whatever the transposes and leading dimensions were: packing is where
     * transposes are absorbed, and it costs O(mk + kn) against the O(mnk) it speeds up. (For
     * small m, full B panels are read in place instead; see below.)
     */
    static void run(Kernel kernel, boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        int nr = kernel.nr;
        // Equal k blocks instead of kcMax plus a remainder: k = 288 as 144 + 144 rather than
        // 192 + 96 keeps every pass long enough to amortize loading and storing the C tile.
        int kBlocks = (k + kernel.kcMax - 1) / kernel.kcMax;
        int kcStep = (k + kBlocks - 1) / kBlocks;
        // Whole micro-panels per block, so packing never writes past the buffers sized here.
        int ncStep = Math.min(roundUp(n, nr), Math.max(nr, kernel.ncMax / nr * nr));
        int mcStep = Math.min(roundUp(m, MR), Math.max(MR, kernel.mcMax / MR * MR));
        float[][] scratch = SCRATCH.get();
        float[] bp = grow(scratch, 0, kcStep * ncStep);
        float[] ap = grow(scratch, 1, mcStep * kcStep);
        float[] edge = grow(scratch, 2, MR * nr);
        // The kernels only know "C = tile" and "C += tile", which keeps vector code free of
        // branches: alpha is folded into packed A, and a beta other than 0 or 1 (rare) costs one
        // pass over C here.
        if (beta != 0f && beta != 1f) {
            scale(m, n, beta, c, cOff, ldc);
        }
        // Full B panels are read in place rather than packed when B is not transposed, few row
        // panels reuse each B panel (m <= 64: at most 16) and its rows do not crowd a few L1 sets
        // (ldb not a multiple of 256 floats). Then copying costs more than the strided reads save:
        // +41% on (20, 576, 25), +21% on (32, 784, 288); but -17% on (100, 4096, 2304) and -16%
        // on (32, 1024, 288), hence the conditions.
        boolean direct = !transB && m <= 64 && ldb % 256 != 0;
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int directCols = direct ? nc / nr * nr : 0;
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc + directCols, nc - directCols, nr, bp);
                boolean add = pc > 0 || beta != 0f;
                for (int ic = 0; ic < m; ic += mcStep) {
                    int mc = Math.min(mcStep, m - ic);
                    packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, ap);
                    // A B micro-panel (kc x nr) is reused against every A micro-panel of the block
                    // while it is hot in L1/L2; the whole packed A block stays in L2.
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr);
                        int cBase = cOff + ic * ldc + jc + jr;
                        boolean fromB = jr < directCols;
                        float[] bSrc = fromB ? b : bp;
                        int bi = fromB ? bOff + pc * ldb + jc + jr : (jr - directCols) * kc;
                        int bStride = fromB ? ldb : nr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            kernel.tile(kc, ap, ir * kc, bSrc, bi, bStride, Math.min(MR, mc - ir), cols,
                                    add, c, cBase + ir * ldc, ldc, edge);
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs rows [i0, i0 + mc) x columns [p0, p0 + kc) of op(A), times alpha, as micro-panels of
     * {@link #MR} rows, each stored column after column (MR consecutive floats per p). Rows past mc
     * are zeros so the kernels never test a row count in their inner loop. Written out for four
     * rows: the generic per-row loop cost 36 of the 57 us of the (500, 64, 50) transA multiply.
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int i0, int mc,
                      int p0, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int d = ir * kc;
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < MR; r++) {
                        dst[d++] = r < rows ? alpha * opA(transA, a, aOff, lda, i0 + ir + r, p0 + p) : 0f;
                    }
                }
            } else if (transA) {
                // op(A)(i, p) = a[p * lda + i]: the four values for one p are adjacent.
                for (int p = 0, s = aOff + p0 * lda + i0 + ir; p < kc; p++, s += lda, d += MR) {
                    dst[d] = alpha * a[s];
                    dst[d + 1] = alpha * a[s + 1];
                    dst[d + 2] = alpha * a[s + 2];
                    dst[d + 3] = alpha * a[s + 3];
                }
            } else {
                int s0 = aOff + (i0 + ir) * lda + p0;
                int s1 = s0 + lda;
                int s2 = s1 + lda;
                int s3 = s2 + lda;
                for (int p = 0; p < kc; p++, d += MR) {
                    dst[d] = alpha * a[s0 + p];
                    dst[d + 1] = alpha * a[s1 + p];
                    dst[d + 2] = alpha * a[s2 + p];
                    dst[d + 3] = alpha * a[s3 + p];
                }
            }
        }
    }

    private static float opA(boolean transA, float[] a, int aOff, int lda, int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    /**
     * Packs rows [p0, p0 + kc) x columns [j0, j0 + nc) of op(B) as micro-panels of nr columns,
     * each stored row after row (nr consecutive floats per p); columns past nc are zeros.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                      int nr, float[] dst) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int base = jr * kc;
            if (!transB) {
                int src = bOff + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int d = base + p * nr;
                    System.arraycopy(b, src, dst, d, cols);
                    if (cols < nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            } else {
                // op(B)(p, j) = b[j * ldb + p]: four source rows are read together, sequentially
                // (prefetch-friendly even when B comes from DRAM), into four adjacent columns of
                // the panel, which stays in L1. 4-11% faster on the NT shapes than p outer with
                // all nr rows read in step, and than one row at a time.
                int j = 0;
                for (; j + 4 <= cols; j += 4) {
                    int s0 = bOff + (j0 + jr + j) * ldb + p0;
                    int s1 = s0 + ldb;
                    int s2 = s1 + ldb;
                    int s3 = s2 + ldb;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = b[s0 + p];
                        dst[d + 1] = b[s1 + p];
                        dst[d + 2] = b[s2 + p];
                        dst[d + 3] = b[s3 + p];
                    }
                }
                for (; j < nr; j++) {
                    int s0 = bOff + (j0 + jr + j) * ldb + p0;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = j < cols ? b[s0 + p] : 0f;
                    }
                }
            }
        }
    }

    /** C = beta * C, with beta == 0 overwriting (so NaN garbage in C does not survive). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = row; j < row + n; j++) {
                    c[j] *= beta;
                }
            }
        }
    }

    private static float[] grow(float[][] scratch, int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new float[size];
        }
        return scratch[which];
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size: m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        checkMatrix("C", c, cOff, ldc, m, n);
        if (k == 0) {
            return;
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (ld < cols) {
            throw new IllegalArgumentException("ld" + name.toLowerCase(Locale.ROOT) + "=" + ld
                    + " is less than the stored row length " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IndexOutOfBoundsException(name + ": " + rows + " x " + cols + " with ld " + ld
                    + " at offset " + off + " needs index " + last + ", array length " + x.length);
        }
    }

    /**
     * A register-blocked micro-kernel plus the block sizes that suit it. Package-private: the two
     * implementations and the tests are its only users.
     */
    abstract static class Kernel {
        /** Widest micro-tile: the packed B panels' width. Every kernel is {@link #MR} rows tall. */
        final int nr;
        /** Cache-block sizes: k per pass, rows of packed A, columns of packed B. */
        final int kcMax;
        final int mcMax;
        final int ncMax;
        /** Stands in for C (with leading dimension 0) when a tile must not read C. */
        private final float[] zeros;

        Kernel(int nr, int kcMax, int mcMax, int ncMax) {
            this.nr = nr;
            this.kcMax = kcMax;
            this.mcMax = mcMax;
            this.ncMax = ncMax;
            this.zeros = new float[nr];
        }

        abstract String name();

        /** Columns the kernel computes for a tile with {@code cols} valid ones ({@code <= nr}). */
        abstract int width(int cols);

        /**
         * out = in + (packed A panel x packed B panel) on a full MR x width tile. {@code in} may be
         * {@code out} itself. Only arrays and ints cross this call, never vectors.
         */
        abstract void compute(int width, int kc, float[] ap, int ai, float[] bp, int bi, int bStride,
                              float[] in, int inOff, int inLd, float[] out, int outOff, int outLd);

        /**
         * Multiplies a packed A micro-panel (kc x MR) by a B micro-panel (kc rows of nr floats,
         * {@code bStride} apart) and writes the top-left {@code rows x cols} of the product to C:
         * {@code C = tile} when {@code add} is false (C is not read), {@code C += tile} when true.
         * {@code edge} is MR x nr scratch.
         */
        final void tile(int kc, float[] ap, int ai, float[] bp, int bi, int bStride, int rows, int cols,
                        boolean add, float[] c, int ci, int ldc, float[] edge) {
            int width = width(cols);
            if (rows == MR && cols == width) {
                // Choosing the source array here, not a vector inside the kernel, matters on JDK 17:
                // a branch on "add" around vector stores made C2 box every accumulator (288 bytes
                // and a 6x slowdown per tile, measured).
                compute(width, kc, ap, ai, bp, bi, bStride, add ? c : zeros, add ? ci : 0, add ? ldc : 0,
                        c, ci, ldc);
                return;
            }
            // Edge tile: the kernel runs on a full-size copy, so it never touches C outside the
            // rows x cols it owns (the next rows or the end of the array).
            for (int r = 0; r < MR; r++) {
                for (int j = 0; j < width; j++) {
                    edge[r * nr + j] = add && r < rows && j < cols ? c[ci + r * ldc + j] : 0f;
                }
            }
            compute(width, kc, ap, ai, bp, bi, bStride, edge, 0, nr, edge, 0, nr);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(edge, r * nr, c, ci + r * ldc, cols);
            }
        }
    }
}
