package io.sparkconv.prep.decode;

import io.sparkconv.testing.ImageCorpus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * Decode throughput on the benchmark set of issue 5 (Fashion-MNIST digits as 64x64 RGB JPEGs), in
 * memory so the disk does not count: ImageDecoder on one thread (and on two) against the plain loop
 * {@code ImageIO.read(new ByteArrayInputStream(bytes))} + {@code getRGB} into CHW bytes, as is
 * (ImageIO then buffers every stream in a temporary file) and with {@code ImageIO.setUseCache(false)}.
 * Passes alternate, so drifts in machine load hit all of them alike; medians of wall time, and of
 * the CPU time of single-thread passes (steadier when other programs share the machine), are
 * printed. The first round, on a tenth of the files, only warms the JIT up.
 *
 * <pre>java -cp data-prep/target/classes:data-prep/target/test-classes:DEPS \
 *     io.sparkconv.prep.decode.DecodeBenchmark [COUNT=20000] [SIZE=64] [REPEATS=5]</pre>
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<byte[]> files = ImageCorpus.jpegs(count, size);
        long bytes = files.stream().mapToLong(b -> b.length).sum();
        System.out.printf("%d JPEGs of %dx%d RGB, %.1f KB on average, %d repeats%n",
                count, size, size, bytes / 1024.0 / count, repeats);
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, size));
        String[] names = {"ImageIO.read + getRGB", "same, setUseCache(false)", "ImageDecoder, 1 thread", "ImageDecoder, 2 threads"};
        double[][] wall = new double[names.length][repeats];
        double[][] cpu = new double[names.length][repeats];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int r = -1; r < repeats; r++) {
                List<byte[]> set = r < 0 ? files.subList(0, count / 10) : files;
                Pass[] passes = {
                    () -> plainLoop(set),
                    () -> plainLoop(set),
                    () -> decoderLoop(decoder, set, 0, 1),
                    () -> twoThreads(pool, decoder, set),
                };
                for (int i = 0; i < passes.length; i++) {
                    ImageIO.setUseCache(i != 1);
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    double t = time(passes[i]);
                    if (r >= 0) {
                        wall[i][r] = t;
                        cpu[i][r] = i == 3 ? Double.NaN : (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
                    }
                }
            }
        } finally {
            ImageIO.setUseCache(true);
            pool.shutdownNow();
        }
        double base = median(wall[0]);
        double baseCpu = median(cpu[0]);
        for (int i = 0; i < names.length; i++) {
            double m = median(wall[i]);
            System.out.printf("%-26s wall %.3f s %7.0f images/s %5.2fx | cpu %.3f s %5.2fx | wall runs %s%n",
                    names[i], m, count / m, base / m, median(cpu[i]), baseCpu / median(cpu[i]), round(wall[i]));
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private interface Pass {
        long run() throws Exception;
    }

    private static double time(Pass pass) throws Exception {
        long t0 = System.nanoTime();
        long check = pass.run();
        double s = (System.nanoTime() - t0) / 1e9;
        if (check == 42) { // keeps the JIT from dropping the pixels
            System.out.print("");
        }
        return s;
    }

    /** What a plain program does: ImageIO.read, then getRGB into CHW bytes. */
    private static long plainLoop(List<byte[]> files) throws IOException {
        long sum = 0;
        int[] argb = new int[0];
        for (byte[] f : files) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(f));
            int w = img.getWidth();
            int h = img.getHeight();
            if (argb.length != w * h) {
                argb = new int[w * h];
            }
            img.getRGB(0, 0, w, h, argb, 0, w);
            byte[] chw = new byte[3 * w * h];
            for (int i = 0; i < w * h; i++) {
                chw[i] = (byte) (argb[i] >> 16);
                chw[w * h + i] = (byte) (argb[i] >> 8);
                chw[2 * w * h + i] = (byte) argb[i];
            }
            sum += chw[w * h / 2];
        }
        return sum;
    }

    private static long decoderLoop(ImageDecoder decoder, List<byte[]> files, int from, int step) throws ImageRejectedException {
        long sum = 0;
        for (int i = from; i < files.size(); i += step) {
            DecodedImage img = decoder.decode(files.get(i), "f" + i);
            sum += img.pixels()[img.pixels().length / 2];
        }
        return sum;
    }

    private static long twoThreads(ExecutorService pool, ImageDecoder decoder, List<byte[]> files) throws Exception {
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int from = t;
            parts.add(pool.submit(() -> decoderLoop(decoder, files, from, 2)));
        }
        long sum = 0;
        for (Future<Long> p : parts) {
            sum += p.get();
        }
        return sum;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String round(double[] x) {
        StringBuilder b = new StringBuilder();
        for (double v : x) {
            b.append(b.length() == 0 ? "" : " ").append(String.format("%.3f", v));
        }
        return b.toString();
    }
}
