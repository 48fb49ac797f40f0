package io.sparkconv.kernels.gemm;

import io.sparkconv.kernels.parallel.ThreadTeam;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Prints GFLOPS of {@link Gemm#sgemm} for the shapes the CNN runs, on 1 thread and on a team of 2:
 * the median (and best) of several timed repeats after a warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp worker-kernels/target/classes:worker-kernels/target/test-classes \
 *     io.sparkconv.kernels.gemm.GemmBenchmark [scalar] [quick] [name-filter]
 * </pre>
 * {@code scalar} times the fallback kernel instead of the active one; {@code quick} skips the
 * 7.5 GFLOP dense shape. Timings mean something only on an otherwise idle machine.
 */
public final class GemmBenchmark {
    private static final int REPEATS = 7;
    private static final long REPEAT_NANOS = 50_000_000L;
    private static final long WARMUP_NANOS = 300_000_000L;

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
        Shape[] shapes = Arrays.stream(SHAPES)
                .filter(s -> s.name().contains(filter) && !(quick && s.flops() > 1e9))
                .toArray(Shape[]::new);
        System.out.printf(Locale.ROOT, "implementation: %s, %d cpus, java %s%n",
                scalar ? "scalar (forced)" : Gemm.implementation(),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf(Locale.ROOT, "%-10s %2s %4s %5s %5s %7s   %-13s %-13s%n",
                "shape", "op", "m", "n", "k", "MFLOP", "1 thr med/best", "2 thr med/best");
        try (ThreadTeam one = new ThreadTeam(1); ThreadTeam two = new ThreadTeam(2)) {
            // Interpreted Vector API code runs ~1000x slower than compiled, and each kernel width
            // compiles only once some shape needs it: run everything once before timing anything.
            for (Shape s : shapes) {
                measure(s, one, kernel, 0);
            }
            for (Shape s : shapes) {
                double[] g1 = measure(s, one, kernel, REPEATS);
                double[] g2 = measure(s, two, kernel, REPEATS);
                // '*' marks sizes the team runs on one thread (under Gemm.PARALLEL_MIN_FLOPS).
                System.out.printf(Locale.ROOT, "%-10s %s%s %4d %5d %5d %7.1f   %5.1f/%5.1f   %5.1f/%5.1f%s%n",
                        s.name(), s.transA() ? "T" : "N", s.transB() ? "T" : "N", s.m(), s.n(), s.k(),
                        s.flops() / 1e6, g1[0], g1[1], g2[0], g2[1],
                        s.flops() < Gemm.PARALLEL_MIN_FLOPS ? " *" : "");
            }
        }
    }

    /** Warms up, then returns {median, best} GFLOPS over {@code repeats} timed batches. */
    private static double[] measure(Shape s, ThreadTeam team, Gemm.Kernel kernel, int repeats) {
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
                Gemm.parallel(kernel, team, Gemm.PARALLEL_MIN_FLOPS, s.transA(), s.transB(), s.m(), s.n(),
                        s.k(), 1f, a, 0, lda, b, 0, ldb, s.beta(), c, 0, s.n());
            }
        };
        long warmEnd = System.nanoTime() + WARMUP_NANOS;
        double rate = 0;
        while (System.nanoTime() < warmEnd) {
            rate = time(call, 1);
        }
        // Enough calls per batch that timer resolution and one-off stalls do not matter.
        int calls = (int) Math.max(1, Math.min(1_000_000, REPEAT_NANOS * time(call, 3)));
        double[] gflops = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            gflops[r] = s.flops() * time(call, calls);
            if (s.beta() != 0f) { // keep accumulating outputs finite
                Arrays.fill(c, 0f);
            }
        }
        Arrays.sort(gflops);
        return repeats == 0 ? new double[] {rate, rate} : new double[] {gflops[repeats / 2], gflops[repeats - 1]};
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
