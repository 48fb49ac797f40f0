package io.sparkconv.prep.job;

import io.sparkconv.prep.decode.DecodeOptions;
import io.sparkconv.prep.fs.NioLocalFileSystem;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.RecordSchema;
import io.sparkconv.prep.source.ImageSource;
import io.sparkconv.prep.source.SourceChunk;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.split.SplitRule;
import io.sparkconv.prep.stats.PixelStats;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The preparation job: lists the input on the driver, checks it, then in one Spark job reads,
 * decodes and converts every image on the executors and writes Parquet records partitioned by
 * split, gathering counts, rejections and the train split's statistics on the way; last it writes
 * the manifest.
 *
 * <p>One pass and no cache: the statistics and the bad records ride along with the write in an
 * accumulator (see {@link PrepTally}) instead of a second job over cached pixels. Each task writes
 * its Parquet files itself ({@link PrepTask}) and the driver publishes them ({@link RecordOutput}).
 */
public final class PrepJob {
    /** Records per task at most when the partition count is picked automatically. */
    static final int MAX_RECORDS_PER_TASK = 10_000;
    /** Tasks per core when picked automatically: enough for balance, few enough for large files. */
    static final int TASKS_PER_CORE = 4;

    private final SparkSession spark;
    private final PrintStream log;
    private final long progressMillis;

    /** @param log receives the progress lines and the final line */
    public PrepJob(SparkSession spark, PrintStream log, long progressMillis) {
        this.spark = spark;
        this.log = log;
        this.progressMillis = progressMillis;
    }

    public PrepJob(SparkSession spark, PrintStream log) {
        this(spark, log, 2000);
    }

    /** Prepares the input as the options say and returns the manifest it wrote. */
    public Manifest run(PrepOptions o) throws IOException {
        long start = System.nanoTime();
        CompressionCodecName codec = codec(o, spark);
        SparkContext sc = spark.sparkContext();
        Configuration hadoop = sc.hadoopConfiguration();
        ImageSource source = ImageSource.open(o.input(), o.format(), hadoop);
        double test = resolveTest(o, source);
        SplitRule rule = new SplitRule(o.validation(), test, o.folds());
        int channels = o.channels() != null ? o.channels() : source.channels();
        String out = prepareOut(o, source, hadoop);
        int partitions = o.partitions() > 0 ? o.partitions() : autoPartitions(sc.defaultParallelism(), source.size());
        int shardRecords = o.resolvedShardRecords(channels);
        List<SourceChunk> chunks = source.chunks(partitions);
        double listed = (System.nanoTime() - start) / 1e9;
        log.printf("prep: %s (listed in %.1f s) -> %s: %d tasks, %d channels, size %s, validation %s, test %s,"
                        + " %d folds, compression %s, %d records a file%n", source.describe(), listed, out,
                chunks.size(), channels, o.size() == 0 ? "kept" : o.size() + "x" + o.size(), o.validation(), test,
                o.folds(), codecName(codec), shardRecords);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Configuration writing = new Configuration(hadoop);
        NioLocalFileSystem.forWriting(hadoop).forEach(writing::set);
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(writing));
        PrepTally tally = new PrepTally(channels, o.folds());
        // unnamed: a named accumulator's value would travel to the UI and every listener with each task
        sc.register(tally);
        LongAccumulator images = sc.longAccumulator("sparkconv prep images");
        LongAccumulator rejected = sc.longAccumulator("sparkconv prep rejected");
        RecordConverter converter = new RecordConverter(new DecodeOptions(channels, o.size()));
        String group = "sparkconv-prep-" + UUID.randomUUID();
        RecordOutput output = new RecordOutput(new Path(out, RecordSchema.RECORDS_DIR).toString(),
                UUID.randomUUID().toString(), codec, shardRecords);
        sc.setJobGroup(group, "sparkconv prep " + source.path(), false);
        List<TaskFiles> written;
        try (ProgressReporter progress = ProgressReporter.start(sc.statusTracker(), group, images, rejected,
                source.size(), progressMillis, log)) {
            written = jsc.parallelize(chunks, chunks.size())
                    .mapPartitions(new PrepTask(conf, converter, rule, output, tally, images, rejected))
                    .collect();
        } catch (Throwable e) {
            // a failed job (a SparkException, which Java cannot see declared) leaves no records
            output.abort(writing);
            throw e;
        } finally {
            sc.clearJobGroup();
            conf.destroy();
        }
        output.commit(written, writing);
        double seconds = (System.nanoTime() - start) / 1e9;
        Manifest manifest = manifest(o, source, channels, test, partitions, shardRecords, out, tally, seconds,
                output.codec(), shards(written));
        manifest.write(out, writing);
        report(tally, seconds);
        return manifest;
    }

    /**
     * The Parquet codec: --compression, else Spark's {@code spark.sql.parquet.compression.codec}
     * when the application sets it, else {@link PrepOptions#DEFAULT_COMPRESSION}.
     */
    static CompressionCodecName codec(PrepOptions o, SparkSession spark) {
        String sparkKey = "spark.sql.parquet.compression.codec";
        String name = o.compression() != null ? o.compression()
                : spark.conf().contains(sparkKey) ? spark.conf().get(sparkKey).toLowerCase(Locale.ROOT)
                : PrepOptions.DEFAULT_COMPRESSION;
        if (!PrepOptions.CODECS.contains(name) && !name.equals("uncompressed")) {
            throw new IllegalArgumentException(sparkKey + " " + name + ": prep writes one of "
                    + String.join(", ", PrepOptions.CODECS) + " (or give --compression)");
        }
        return CompressionCodecName.fromConf(name.equals("none") ? "uncompressed" : name);
    }

    static int autoPartitions(int parallelism, long records) {
        long byCores = (long) TASKS_PER_CORE * Math.max(1, parallelism);
        long bySize = (records + MAX_RECORDS_PER_TASK - 1) / MAX_RECORDS_PER_TASK;
        return (int) Math.max(1, Math.min(records, Math.max(byCores, bySize)));
    }

    private static double resolveTest(PrepOptions o, ImageSource source) {
        if (!source.hasTestFiles()) {
            return o.test() != null ? o.test() : PrepOptions.DEFAULT_TEST;
        }
        if (o.test() != null && o.test() > 0) {
            throw new IllegalArgumentException("--test " + o.test() + ": " + source.path() + " has test files of its own ("
                    + (source.format().id().equals("idx") ? "t10k-*" : "test batches")
                    + "), which are the test split; leave --test out or at 0");
        }
        return 0;
    }

    /** The qualified output folder, checked: not inside the input, empty unless --overwrite (then cleared). */
    private static String prepareOut(PrepOptions o, ImageSource source, Configuration hadoop) throws IOException {
        Path out = new Path(o.out());
        FileSystem fs = out.getFileSystem(hadoop);
        out = fs.makeQualified(out);
        String in = source.path().endsWith("/") ? source.path() : source.path() + "/";
        if ((out + "/").startsWith(in)) {
            throw new IllegalArgumentException("--out " + out + " is inside the input " + source.path()
                    + "; the next listing would read it back");
        }
        if (fs.exists(out)) {
            if (!fs.getFileStatus(out).isDirectory()) {
                throw new IllegalArgumentException("--out " + out + " is a file; give a folder");
            }
            if (fs.listStatus(out).length > 0) {
                if (!o.overwrite()) {
                    throw new IllegalArgumentException("--out " + out
                            + " exists and is not empty; choose another folder or pass --overwrite");
                }
                fs.delete(new Path(out, Manifest.FILE_NAME), false);
                fs.delete(new Path(out, RecordSchema.RECORDS_DIR), true);
            }
        }
        return out.toString();
    }

    private static String codecName(CompressionCodecName codec) {
        return codec == CompressionCodecName.UNCOMPRESSED ? "none" : codec.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Every published file with its split, record count and (train files, 2 or more folds) records
     * per fold, by split, then partition, then index.
     */
    static List<Manifest.Shard> shards(List<TaskFiles> written) {
        List<Manifest.Shard> shards = new java.util.ArrayList<>();
        for (TaskFiles task : written) {
            for (int i = 0; i < task.files.length; i++) {
                String file = task.files[i];
                String split = file.substring(file.indexOf('=') + 1, file.indexOf('/'));
                long[] folds = task.foldRecords[i];
                shards.add(new Manifest.Shard(split, file, task.records[i],
                        folds == null ? null : Arrays.stream(folds).boxed().toList()));
            }
        }
        shards.sort(java.util.Comparator.comparing((Manifest.Shard s) -> Split.of(s.split()).ordinal())
                .thenComparing(Manifest.Shard::file));
        return shards;
    }

    private static Manifest manifest(PrepOptions o, ImageSource source, int channels, double test, int partitions,
                                     int shardRecords, String out, PrepTally tally, double seconds,
                                     CompressionCodecName codec, List<Manifest.Shard> shards) {
        PixelStats stats = tally.trainMoments().isEmpty() ? null : PixelStats.of(tally.trainMoments());
        List<Manifest.Rejection> rejections = tally.rejections();
        return new Manifest(Manifest.FORMAT_VERSION,
                new Manifest.Source(source.path(), source.format().id()),
                new Manifest.Options(o.input(), out, source.format().id(), channels, o.size(), o.validation(), test,
                        o.folds(), partitions, codecName(codec), shardRecords),
                source.classes(), tally.shape(),
                new Manifest.Counts(tally.count(Split.TRAIN), tally.count(Split.VALIDATION), tally.count(Split.TEST)),
                tally.foldCounts(), stats == null ? null : stats(stats), rejections,
                new Manifest.Totals(tally.read(), tally.written(), rejections.size(), seconds), shards);
    }

    private static Manifest.Stats stats(PixelStats s) {
        return new Manifest.Stats(list(s.mean()), list(s.std()), matrix(s.covariance()), list(s.eigenvalues()),
                matrix(s.eigenvectors()));
    }

    private static List<Double> list(double[] v) {
        return v == null ? null : Arrays.stream(v).boxed().toList();
    }

    private static List<List<Double>> matrix(double[][] m) {
        if (m == null) {
            return null;
        }
        List<List<Double>> rows = new ArrayList<>();
        for (double[] row : m) {
            rows.add(list(row));
        }
        return rows;
    }

    private void report(PrepTally tally, double seconds) {
        List<Manifest.Rejection> rejections = tally.rejections();
        if (!rejections.isEmpty()) {
            Map<String, Integer> byReason = new TreeMap<>();
            rejections.forEach(r -> byReason.merge(r.reason(), 1, Integer::sum));
            log.println("prep: rejected by reason: " + byReason + " (all listed in the manifest)");
        }
        log.printf("prep: images read %,d, written %,d, rejected %,d in %.1f s: %,.0f images/s%n",
                tally.read(), tally.written(), rejections.size(), seconds, tally.read() / seconds);
    }
}
