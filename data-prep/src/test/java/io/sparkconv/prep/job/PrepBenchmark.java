package io.sparkconv.prep.job;

import io.sparkconv.testing.ImageCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 5's bar: preparation throughput on local[2] over a folder of JPEGs (Fashion-MNIST digits
 * upscaled to 64 x 64 RGB) against a plain one-thread {@code ImageIO.read(File)} loop over the same
 * files, alternating, medians of the repeats, one ratio.
 *
 * <pre>
 * java @conf/jvm.options -cp ... io.sparkconv.prep.job.PrepBenchmark [--images 20000] [--side 64]
 *     [--size 0] [--repeats 3] [--dir /tmp/sparkconv-prep-bench] [--master local[2]]
 * </pre>
 * The folder is written once and reused (a marker file records it is complete).
 */
public final class PrepBenchmark {
    private PrepBenchmark() {}

    public static void main(String[] args) throws Exception {
        int images = 20_000;
        int side = 64;
        int size = 0;
        int repeats = 3;
        String master = "local[2]";
        Path dir = Path.of("/tmp/sparkconv-prep-bench");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--images" -> images = Integer.parseInt(args[i + 1]);
                case "--side" -> side = Integer.parseInt(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--master" -> master = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path jpegs = dir.resolve("jpegs-" + images + "-" + side);
        Path marker = jpegs.resolve(".complete");
        if (!Files.exists(marker)) {
            long t = System.nanoTime();
            ImageCorpus.writeJpegs(jpegs, images, side);
            Files.writeString(marker, "written by PrepBenchmark\n");
            System.out.printf("wrote %,d JPEGs of %dx%d to %s in %.1f s%n", images, side, side, jpegs,
                    (System.nanoTime() - t) / 1e9);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(jpegs)) {
            files = walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        System.out.printf("%,d files, %,d MB; ImageIO's JPEG reader: %s%n", files.size(),
                files.stream().mapToLong(p -> p.toFile().length()).sum() >> 20,
                ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName());

        SparkSession spark = SparkSession.builder().master(master).appName("sparkconv-prep-bench")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        TaskTimes times = new TaskTimes();
        spark.sparkContext().addSparkListener(times);
        PrepOptions options = PrepOptions.of(jpegs.toString(), dir.resolve("out").toString()).withChannels(3)
                .withSize(size).withOut(dir.resolve("out").toString(), true);

        // warm-up: both paths once, untimed (JIT, class loading, Spark's first job)
        loop(files);
        job(spark, options, true);
        double[] loopSeconds = new double[repeats];
        double[] jobSeconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            loopSeconds[r] = loop(files);
            times.reset();
            jobSeconds[r] = job(spark, options, r == repeats - 1);
            System.out.println("  tasks: " + times);
            System.out.printf("repeat %d: ImageIO loop %.2f s (%,.0f img/s), prep job %.2f s (%,.0f img/s)%n", r + 1,
                    loopSeconds[r], files.size() / loopSeconds[r], jobSeconds[r], files.size() / jobSeconds[r]);
        }
        double loop = median(loopSeconds);
        double job = median(jobSeconds);
        System.out.printf("median: ImageIO loop %,.0f img/s, prep job (%s, size %d) %,.0f img/s: ratio %.2fx (bar 1.8x)%n",
                files.size() / loop, master, size, files.size() / job, loop / job);
        spark.stop();
    }

    /** The plain loop: one thread, ImageIO.read on each file, bytes read from disk. */
    static double loop(List<Path> files) throws IOException {
        long t = System.nanoTime();
        long pixels = 0;
        for (Path p : files) {
            pixels += ImageIO.read(p.toFile()).getWidth();
        }
        double s = (System.nanoTime() - t) / 1e9;
        if (pixels == 0) {
            throw new IllegalStateException("nothing decoded");
        }
        return s;
    }

    static double job(SparkSession spark, PrepOptions options, boolean showLog) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long t = System.nanoTime();
        new PrepJob(spark, new PrintStream(log, true)).run(options);
        double s = (System.nanoTime() - t) / 1e9;
        if (showLog) {
            System.out.print(log);
        }
        return s;
    }

    /** Sums of the task metrics Spark reports, to see where a job's time goes. */
    static final class TaskTimes extends org.apache.spark.scheduler.SparkListener {
        long tasks;
        long runMs;
        long cpuNs;
        long gcMs;
        long deserializeMs;
        long resultMs;
        long bytesWritten;

        synchronized void reset() {
            tasks = runMs = cpuNs = gcMs = deserializeMs = resultMs = bytesWritten = 0;
        }

        @Override
        public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            org.apache.spark.executor.TaskMetrics m = end.taskMetrics();
            if (m == null) {
                return;
            }
            tasks++;
            runMs += m.executorRunTime();
            cpuNs += m.executorCpuTime();
            gcMs += m.jvmGCTime();
            deserializeMs += m.executorDeserializeTime();
            resultMs += m.resultSerializationTime();
            bytesWritten += m.outputMetrics().bytesWritten();
        }

        @Override
        public synchronized String toString() {
            return String.format("%d tasks, run %.2f s, cpu %.2f s, gc %.2f s, deserialize %.2f s, %,d MB written",
                    tasks, runMs / 1e3, cpuNs / 1e9, gcMs / 1e3, deserializeMs / 1e3, bytesWritten >> 20);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
