package io.sparkconv.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkconv.kernels.parallel.ThreadTeam;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both kernels and the parallel split against a double-precision triple loop. */
class GemmTest {
    private static final boolean VECTOR_MODULE =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Marks C's cells outside the matrix, which no call may touch. */
    private static final float GUARD = -12345.5f;

    private static ThreadTeam team2;
    private static ThreadTeam team3;

    @BeforeAll
    static void startTeams() {
        team2 = new ThreadTeam(2);
        team3 = new ThreadTeam(3);
    }

    @AfterAll
    static void stopTeams() {
        team2.close();
        team3.close();
    }

    /** One way to run a multiply: which path, and whether split over a team. */
    private enum Path {
        VECTOR, SCALAR, PARALLEL_VECTOR, PARALLEL_SCALAR;

        Gemm.Kernel kernel() {
            assumeTrue(this == SCALAR || this == PARALLEL_SCALAR || VECTOR_MODULE,
                    "jdk.incubator.vector is not in the boot layer");
            return this == SCALAR || this == PARALLEL_SCALAR ? ScalarGemm.kernel() : VectorGemm.kernel();
        }

        void sgemm(Problem p) {
            Gemm.Kernel kernel = kernel();
            if (this == VECTOR) {
                VectorGemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda,
                        p.b, p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
            } else if (this == SCALAR) {
                ScalarGemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda,
                        p.b, p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
            } else {
                // Threshold 0: split even the smallest problems, to test the block arithmetic.
                Gemm.parallel(kernel, team3, 0, p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff,
                        p.lda, p.b, p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
            }
        }
    }

    /** A random problem with its operands embedded in larger arrays. */
    private static final class Problem {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float beta;
        final int aOff;
        final int lda;
        final int bOff;
        final int ldb;
        final int cOff;
        final int ldc;
        final float[] a;
        final float[] b;
        final float[] c;
        final float[] c0;

        /** pad > 0 puts every matrix at an offset with a leading dimension pad wider than its rows. */
        Problem(long seed, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int pad) {
            Random rnd = new Random(seed);
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            int aRows = transA ? k : m;
            int bRows = transB ? n : k;
            lda = (transA ? m : k) + pad;
            ldb = (transB ? k : n) + pad;
            ldc = n + pad;
            aOff = pad * 3;
            bOff = pad * 5;
            cOff = pad * 7;
            a = random(rnd, aOff + aRows * lda + pad);
            b = random(rnd, bOff + bRows * ldb + pad);
            c = new float[cOff + m * ldc + pad];
            java.util.Arrays.fill(c, GUARD);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    // beta == 0 must overwrite whatever is there, NaN included.
                    c[cOff + i * ldc + j] = beta == 0f ? Float.NaN : rnd.nextFloat() * 2 - 1;
                }
            }
            c0 = c.clone();
        }

        float opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Checks C against the double-precision product, and that nothing outside C changed. */
        void verify(String what) {
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(GUARD)) {
                    fail(what + ": wrote outside C at index " + idx);
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        double term = (double) opA(i, p) * opB(p, j);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                    double old = beta == 0f ? 0 : (double) beta * c0[cOff + i * ldc + j];
                    double want = alpha * sum + old;
                    // Float summation of k products is off by at most about k * 2^-24 of the sum
                    // of their magnitudes; 1e-7 * (k + 4) is that with a small margin.
                    double tol = 1e-7 * (k + 4) * (Math.abs(alpha) * magnitude + Math.abs(old)) + 1e-30;
                    float got = c[cOff + i * ldc + j];
                    if (!(Math.abs(got - want) <= tol)) {
                        fail(String.format("%s: C(%d,%d) = %s, want %s (tol %.3g)", what, i, j, got, want, tol));
                    }
                }
            }
        }

        String describe() {
            return String.format("%s%s m=%d n=%d k=%d alpha=%s beta=%s pad=%d", transA ? "T" : "N",
                    transB ? "T" : "N", m, n, k, alpha, beta, lda - (transA ? m : k));
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    static Stream<Arguments> oddSizes() {
        int[] sizes = {1, 3, 17, 63, 129};
        List<Arguments> out = new ArrayList<>();
        for (Path path : Path.values()) {
            for (int t = 0; t < 4; t++) {
                for (int m : sizes) {
                    for (int n : sizes) {
                        for (int k : sizes) {
                            out.add(Arguments.of(path, (t & 1) != 0, (t & 2) != 0, m, n, k));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("oddSizes")
    void oddSizesAllTransposes(Path path, boolean transA, boolean transB, int m, int n, int k) {
        Problem p = new Problem(m * 31L + n * 7L + k, transA, transB, m, n, k, 1f, 0f, 0);
        path.sgemm(p);
        p.verify(path + " " + p.describe());
    }

    /** alpha, beta, offsets and padded leading dimensions, on edge-heavy sizes. */
    static Stream<Arguments> scaledAndStrided() {
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 0f}, {1.5f, 1f}, {0.75f, -0.75f}, {2f, 0.5f}};
        int[][] shapes = {{5, 21, 9}, {20, 50, 33}, {64, 64, 64}, {37, 131, 300}};
        List<Arguments> out = new ArrayList<>();
        for (Path path : Path.values()) {
            for (int t = 0; t < 4; t++) {
                for (float[] ab : alphaBeta) {
                    for (int[] s : shapes) {
                        out.add(Arguments.of(path, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("scaledAndStrided")
    void alphaBetaOffsetsAndLeadingDimensions(Path path, boolean transA, boolean transB, int m, int n, int k,
                                              float alpha, float beta) {
        Problem p = new Problem(m + n + k, transA, transB, m, n, k, alpha, beta, 3);
        path.sgemm(p);
        p.verify(path + " " + p.describe());
    }

    /** The shapes the CNN runs (conv forward, backward-weights, backward-data; dense layers). */
    static Stream<Arguments> cnnShapes() {
        Object[][] shapes = {
            {false, false, 20, 576, 25}, {false, false, 50, 64, 500}, {false, false, 32, 784, 288},
            {false, false, 64, 196, 576}, {false, false, 64, 196, 288},
            {false, true, 32, 288, 784}, {false, true, 64, 576, 196}, {false, true, 50, 500, 64},
            {true, false, 288, 784, 32}, {true, false, 576, 196, 64}, {true, false, 500, 64, 50},
            {false, true, 100, 500, 800}, {true, false, 500, 800, 100}, {false, false, 100, 800, 500},
        };
        List<Arguments> out = new ArrayList<>();
        for (Path path : Path.values()) {
            for (Object[] s : shapes) {
                out.add(Arguments.of(path, s[0], s[1], s[2], s[3], s[4]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cnnShapes")
    void cnnShapes(Path path, boolean transA, boolean transB, int m, int n, int k) {
        // Backward-weights accumulates over the images of a batch: beta = 1 there.
        float beta = transB ? 1f : 0f;
        Problem p = new Problem(k, transA, transB, m, n, k, 1f, beta, 0);
        path.sgemm(p);
        p.verify(path + " " + p.describe());
    }

    /** Several k blocks, row blocks and column blocks of the driver in one call. */
    @ParameterizedTest
    @ValueSource(strings = {"VECTOR", "SCALAR", "PARALLEL_VECTOR"})
    void manyCacheBlocks(Path path) {
        // m > mcMax, n > ncMax and k > kcMax, for both the plain and the doubly transposed packing;
        // then m <= 64, where B is read in place, over several column blocks.
        for (int t : new int[] {0, 3, 4}) {
            Problem p = new Problem(t, (t & 1) != 0, (t & 2) != 0, t < 4 ? 141 : 37, 2100, 530, 0.5f, -1.5f, 2);
            path.sgemm(p);
            p.verify(path + " " + p.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 1f, -2f})
    void zeroKOrZeroAlphaOnlyScalesC(float beta) {
        for (int k : new int[] {0, 7}) {
            Problem p = new Problem(5, false, false, 6, 35, k, k == 0 ? 1f : 0f, beta, 2);
            // alpha == 0 means A and B are not read, so non-finite values there must not leak in.
            java.util.Arrays.fill(p.a, Float.NaN);
            Gemm.sgemm(false, false, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                    p.beta, p.c, p.cOff, p.ldc);
            java.util.Arrays.fill(p.a, 1f);
            p.verify("k=" + k + " beta=" + beta);
        }
    }

    @Test
    void emptyOutputIsANoOp() {
        float[] c = {GUARD};
        Gemm.sgemm(false, false, 0, 5, 3, 1f, new float[0], 0, 3, new float[15], 0, 5, 0f, c, 0, 5);
        Gemm.sgemm(false, false, 4, 0, 3, 1f, new float[12], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertEquals(GUARD, c[0]);
    }

    static Stream<Arguments> cnnShapesSequentialPaths() {
        return cnnShapes().filter(args -> args.get()[0] == Path.VECTOR || args.get()[0] == Path.SCALAR);
    }

    /** Splitting never changes the arithmetic: each block is the same sequential multiply. */
    @ParameterizedTest
    @MethodSource("cnnShapesSequentialPaths")
    void parallelIsBitwiseEqualToSequential(Path path, boolean transA, boolean transB, int m, int n, int k) {
        Problem seq = new Problem(7, transA, transB, m, n, k, 1.25f, 0.5f, 1);
        Problem par = new Problem(7, transA, transB, m, n, k, 1.25f, 0.5f, 1);
        Gemm.run(path.kernel(), transA, transB, m, n, k, seq.alpha, seq.a, seq.aOff, seq.lda, seq.b,
                seq.bOff, seq.ldb, seq.beta, seq.c, seq.cOff, seq.ldc);
        for (ThreadTeam team : new ThreadTeam[] {team2, team3}) {
            System.arraycopy(par.c0, 0, par.c, 0, par.c.length);
            Gemm.parallel(path.kernel(), team, 0, transA, transB, m, n, k, par.alpha, par.a, par.aOff,
                    par.lda, par.b, par.bOff, par.ldb, par.beta, par.c, par.cOff, par.ldc);
            assertArrayEquals(seq.c, par.c, path + " " + team.threads() + " threads " + seq.describe());
        }
    }

    @Test
    void publicParallelEntryPoint() {
        // Above and below the size threshold, split by rows and by columns.
        for (int[] s : new int[][] {{576, 64, 500}, {40, 4000, 200}, {64, 196, 576}, {3, 5, 7}}) {
            Problem p = new Problem(s[0], true, false, s[0], s[1], s[2], 1f, 1f, 4);
            Gemm.sgemm(team2, p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b,
                    p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
            p.verify("public parallel " + p.describe());
        }
    }

    /** The single-threaded call from many threads at once: its scratch must be per thread. */
    @Test
    void concurrentCallsDoNotInterfere() throws Exception {
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Problem>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    // Different sizes per thread, so a shared buffer would be resized under another.
                    Problem p = new Problem(seed, seed % 2 == 0, seed % 3 == 0, 40 + seed * 9, 300 + seed * 37,
                            100 + seed * 50, 1f, 0f, 1);
                    for (int rep = 0; rep < 20; rep++) {
                        Gemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b,
                                p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
                    }
                    return p;
                }));
            }
            for (Future<Problem> f : results) {
                Problem p = f.get();
                p.verify("concurrent " + p.describe());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The kernel runs at the Vector API's preferred width; under -XX:UseAVX=2 (.ci/run's pass as an
     * AVX2-only CPU) that is 256 bits, 8 float lanes, whatever this CPU has.
     */
    @Test
    void implementationMatchesTheBootLayer() {
        String impl = Gemm.implementation();
        if (VECTOR_MODULE) {
            assertTrue(impl.matches("vector\\(\\d+ lanes\\)"), impl);
            boolean avx2Only = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                    .contains("-XX:UseAVX=2");
            System.out.println("GEMM kernel: " + impl + (avx2Only ? " (-XX:UseAVX=2)" : ""));
            if (avx2Only && "amd64".equals(System.getProperty("os.arch"))) {
                assertEquals("vector(8 lanes)", impl, "-XX:UseAVX=2 caps the Vector API at 256 bits");
            }
        } else {
            assertEquals("scalar", impl);
        }
    }

    /** Without the module, Gemm must pick the scalar path and never load VectorGemm. */
    @Test
    void withoutTheVectorModuleRunsScalarAndNeverLoadsVectorGemm() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp",
                System.getProperty("java.class.path"), NoVectorModuleMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        assertTrue(output.contains("implementation=scalar result=ok"), output);
        assertTrue(output.contains(Gemm.class.getName() + " "), "class loading is not being logged: " + output);
        assertFalse(output.contains(VectorGemm.class.getName()), "VectorGemm was loaded");
    }

    /** Runs in a JVM started without --add-modules jdk.incubator.vector. */
    static final class NoVectorModuleMain {
        public static void main(String[] args) {
            float[] a = {1, 2, 3, 4, 5, 6};
            float[] b = {1, 0, 0, 1, 1, 1};
            float[] c = new float[4];
            Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
            boolean ok = java.util.Arrays.equals(c, new float[] {4, 5, 10, 11});
            System.out.println("implementation=" + Gemm.implementation() + " result=" + (ok ? "ok" : "wrong"));
        }
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[100];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertThrows(IllegalArgumentException.class, // lda < k
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertThrows(IllegalArgumentException.class, // transposed B stored n x k: ldb < k
                () -> Gemm.sgemm(false, true, 2, 5, 3, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 5));
        assertThrows(IndexOutOfBoundsException.class, // C ends past the array
                () -> Gemm.sgemm(false, false, 10, 10, 1, 1f, x, 0, 1, x, 0, 10, 0f, x, 1, 10));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.sgemm(true, false, 2, 2, 2, 1f, x, -1, 2, x, 0, 2, 0f, x, 0, 2));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.sgemm(team2, false, false, 2, 2, 60, 1f, x, 0, 60, x, 0, 2, 0f, x, 0, 2));
    }
}
