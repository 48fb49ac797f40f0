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
 * files, alternating, medians of the repeats, one ratio. Prints per job the task metrics, the CPU
 * each busy thread used and the page faults, to see where time goes.
 *
 * <pre>
 * java @conf/jvm.options [-Dwarmups=5] -cp ... io.sparkconv.prep.job.PrepBenchmark [--images 20000] [--side 64]
 *     [--size 0] [--repeats 3] [--dir /tmp/sparkconv-prep-bench] [--out DIR/out] [--master local[2]]
 *     [--codec none|snappy|zstd|gzip|lz4_raw]
 * </pre>
 * The folder is written once and reused (a marker file records it is complete).
 */
public final class PrepBenchmark {
    /**
     * Untimed rounds of both first. C2 compiles the task loop (decode, statistics and Parquet
     * writing inlined, a second of compiler time on one of the two cores) only after a few 20,000-image
     * jobs of 8 tasks; a longer job gets there within its first tasks. Fewer rounds time the compiler.
     */
    static final int WARM_UPS = Integer.getInteger("warmups", 5);
    private PrepBenchmark() {}

    public static void main(String[] args) throws Exception {
        int images = 20_000;
        int side = 64;
        int size = 0;
        int repeats = 3;
        String master = "local[2]";
        String codec = null;
        Path dir = Path.of("/tmp/sparkconv-prep-bench");
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--images" -> images = Integer.parseInt(args[i + 1]);
                case "--side" -> side = Integer.parseInt(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--master" -> master = args[i + 1];
                case "--codec" -> codec = args[i + 1];
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
        if (out == null) {
            out = dir.resolve("out");
        }
        PrepOptions options = PrepOptions.of(jpegs.toString(), out.toString()).withChannels(3)
                .withSize(size).withOut(out.toString(), true).withCompression(codec);

        // warm-up, untimed: JIT, class loading, Spark's first job, and the heap's growth (first-touched
        // memory faults cost microseconds a page on these VMs)
        for (int w = 0; w < WARM_UPS; w++) {
            loop(files);
            job(spark, options, w == 0);
        }
        double[] loopSeconds = new double[repeats];
        double[] jobSeconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long f0 = minorFaults();
            loopSeconds[r] = loop(files);
            long f1 = minorFaults();
            times.reset();
            java.util.Map<String, Long> cpu0 = threadCpuTicks();
            jobSeconds[r] = job(spark, options, r == repeats - 1);
            java.util.Map<String, Long> cpu1 = threadCpuTicks();
            long f2 = minorFaults();
            System.out.println("  CPU by thread during the job: " + busiest(cpu0, cpu1));
            System.out.printf("  tasks: %s; %,d MB of Parquet%n", times, parquetBytes(Path.of(options.out())) >> 20);
            System.out.printf("  minor page faults: loop %,d, job %,d%n", f1 - f0, f2 - f1);
            System.out.printf("repeat %d: ImageIO loop %.2f s (%,.0f img/s), prep job %.2f s (%,.0f img/s)%n", r + 1,
                    loopSeconds[r], files.size() / loopSeconds[r], jobSeconds[r], files.size() / jobSeconds[r]);
        }
        double loop = median(loopSeconds);
        double job = median(jobSeconds);
        System.out.printf("median: ImageIO loop %,.0f img/s, prep job (%s, size %d, compression %s) %,.0f img/s:"
                + " ratio %.2fx (bar 1.8x)%n", files.size() / loop, master, size, codec == null ? "default" : codec, files.size() / job, loop / job);
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

    /** One prep job into an emptied output folder (emptied untimed: the loop deletes nothing either). */
    static double job(SparkSession spark, PrepOptions options, boolean showLog) throws IOException {
        Path out = Path.of(options.out());
        if (Files.exists(out)) {
            try (Stream<Path> walk = Files.walk(out)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
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

        synchronized void reset() {
            tasks = runMs = cpuNs = gcMs = deserializeMs = resultMs = 0;
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
        }

        @Override
        public synchronized String toString() {
            return String.format("%d tasks, run %.2f s, cpu %.2f s, gc %.2f s, deserialize %.2f s",
                    tasks, runMs / 1e3, cpuNs / 1e9, gcMs / 1e3, deserializeMs / 1e3);
        }
    }

    /** Bytes of the Parquet files under a folder (the tasks write them themselves, outside Spark's output metrics). */
    static long parquetBytes(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** CPU ticks (1/100 s) so far per thread name, from /proc/self/task (Linux; empty elsewhere). */
    static java.util.Map<String, Long> threadCpuTicks() {
        java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** The threads that used the most CPU between two snapshots, in seconds. */
    static String busiest(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        return after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(6)
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue() / 100.0))
                .reduce((a, b) -> a + ", " + b).orElse("none");
    }

    /** The process's minor page faults so far (Linux; -1 elsewhere): fresh memory is a cost on these VMs. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
