package io.sparkconv.kernels.gemm;

import io.sparkconv.kernels.parallel.ThreadTeam;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Prints GFLOPS of {@link Gemm#sgemm} for the shapes the CNN runs, on 1 thread and on a team of 2:
 * the median of several timed repeats after a warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp worker-kernels/target/classes \
 *     io.sparkconv.kernels.gemm.GemmBenchmark [scalar] [quick] [name-filter]
 * </pre>
 * {@code scalar} times the fallback kernel instead of the active one; {@code quick} skips the
 * 7.5 GFLOP dense shape. Timings are only meaningful on an otherwise idle machine.
 */
public final class GemmBenchmark {
    private static final int REPEATS = 5;
    private static final long REPEAT_NANOS = 60_000_000L;
    private static final long MIN_WARMUP_NANOS = 500_000_000L;
    private static final long MAX_WARMUP_NANOS = 4_000_000_000L;

    private record Shape(String name, boolean transA, boolean transB, int m, int n, int k, float beta) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    private static final Shape[] SHAPES = {
        new Shape("conv1 fwd", false, false, 20, 576, 25, 0f),
        new Shape("conv2 fwd", false, false, 50, 64, 500, 0f),
        new Shape("convA fwd", false, false, 32, 784, 288, 0f),
        new Shape("convB fwd", false, false, 64, 196, 576, 0f),
        new Shape("convC fwd", false, false, 64, 196, 288, 0f),
        new Shape("convA dW", false, true, 32, 288, 784, 1f),
        new Shape("convB dW", false, true, 64, 576, 196, 1f),
        new Shape("conv2 dW", false, true, 50, 500, 64, 1f),
        new Shape("convA dX", true, false, 288, 784, 32, 0f),
        new Shape("convB dX", true, false, 576, 196, 64, 0f),
        new Shape("conv2 dX", true, false, 500, 64, 50, 0f),
        new Shape("dense fwd", false, true, 100, 500, 800, 0f),
        new Shape("dense dW", true, false, 500, 800, 100, 1f),
        new Shape("dense dX", false, false, 100, 800, 500, 0f),
        new Shape("big fwd", false, true, 100, 4096, 9216, 0f),
    };

    private GemmBenchmark() {
    }

    public static void main(String[] args) {
        boolean scalar = Arrays.asList(args).contains("scalar");
        boolean quick = Arrays.asList(args).contains("quick");
        String filter = Arrays.stream(args).filter(s -> !s.equals("scalar") && !s.equals("quick"))
                .findFirst().orElse("");
        Gemm.Kernel kernel = scalar ? ScalarGemm.kernel() : null;
        System.out.printf(Locale.ROOT, "implementation: %s, %d cpus%n",
                scalar ? "scalar (forced)" : Gemm.implementation(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-10s %2s %4s %5s %5s %6s %10s %10s%n",
                "shape", "op", "m", "n", "k", "MFLOP", "GF/s 1thr", "GF/s 2thr");
        try (ThreadTeam one = new ThreadTeam(1); ThreadTeam two = new ThreadTeam(2)) {
            for (Shape s : SHAPES) {
                if (!s.name().contains(filter) || (quick && s.flops() > 1e9)) {
                    continue;
                }
                double g1 = gflops(s, one, kernel);
                double g2 = gflops(s, two, kernel);
                System.out.printf(Locale.ROOT, "%-10s %s%s %4d %5d %5d %6.1f %10.1f %10.1f%n", s.name(),
                        s.transA() ? "T" : "N", s.transB() ? "T" : "N", s.m(), s.n(), s.k(),
                        s.flops() / 1e6, g1, g2);
            }
        }
    }

    private static double gflops(Shape s, ThreadTeam team, Gemm.Kernel kernel) {
        Random rnd = new Random(42);
        float[] a = random(rnd, s.m() * s.k());
        float[] b = random(rnd, s.k() * s.n());
        float[] c = random(rnd, s.m() * s.n());
        int lda = s.transA() ? s.m() : s.k();
        int ldb = s.transB() ? s.k() : s.n();
        Runnable call = () -> {
            if (kernel == null) {
                Gemm.sgemm(team, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb,
                        s.beta(), c, 0, s.n());
            } else {
                Gemm.parallel(kernel, team, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda,
                        b, 0, ldb, s.beta(), c, 0, s.n());
            }
        };
        // Warm up until the rate stops improving: interpreted Vector API code runs ~1000x slower
        // than compiled, so C2 needs about a second of wall time to get to the kernels, and a
        // kernel only one shape uses (the 1- or 2-vector edge) compiles only when that shape runs.
        long warmStart = System.nanoTime();
        double best = 0;
        int calls = 1;
        int stale = 0;
        while (System.nanoTime() - warmStart < MAX_WARMUP_NANOS
                && (stale < 3 || System.nanoTime() - warmStart < MIN_WARMUP_NANOS)) {
            double rate = time(call, calls);
            calls = (int) Math.max(1, Math.min(1_000_000, REPEAT_NANOS * rate));
            stale = rate > best * 1.03 ? 0 : stale + 1;
            best = Math.max(best, rate);
        }
        double[] rates = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            rates[r] = s.flops() * time(call, calls);
            if (s.beta() != 0f) { // keep accumulating outputs finite
                Arrays.fill(c, 0f);
            }
        }
        Arrays.sort(rates);
        return rates[REPEATS / 2];
    }

    /** Calls per nanosecond over {@code calls} back-to-back calls. */
    private static double time(Runnable call, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (double) calls / Math.max(1, System.nanoTime() - start);
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }
}
