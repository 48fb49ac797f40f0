package io.sparkconv.driver.cli;

import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.prep.source.InputFormat;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv prep --input PATH --out PATH [options]}: the preparation job (image folders, IDX,
 * CIFAR to Parquet records with splits, folds, statistics and a manifest).
 */
@Command(name = "prep", mixinStandardHelpOptions = true,
        description = "Prepare an image dataset as a Spark job: decode, convert and split every image, write"
                + " OUT/records/split=train|validation|test/*.parquet and OUT/manifest.json.")
final class PrepCommand implements Callable<Integer> {
    @Option(names = "--input", required = true,
            description = "The dataset folder, any Hadoop path (file://, hdfs://, s3a://).")
    String input;

    @Option(names = "--out", required = true, description = "The output folder (any Hadoop path).")
    String out;

    @Option(names = "--format", description = "folder, idx or cifar (default: detected from the file names).")
    String format;

    @Option(names = "--channels", description = "1 (grey) or 3 (RGB) (default: the source's: 1 for IDX, 3 otherwise).")
    Integer channels;

    @Option(names = "--size", defaultValue = "0",
            description = "S: shorter side to S, then the center S x S; 0 keeps every image's size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--validation", defaultValue = "0.1",
            description = "Fraction held out for validation, by a stable hash of the key (default ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--test", description = "Fraction held out for test (default 0.1; 0 for IDX and CIFAR, whose"
            + " test files are the test split).")
    Double test;

    @Option(names = "--folds", defaultValue = "5", description = "K folds of the train split (default ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = {"--partitions", "--shards"}, defaultValue = "0",
            description = "Spark tasks, each writing its records of a split into files of --shard-records"
                    + " (default: 4 per core, at most 10,000 images each).")
    int partitions;

    @Option(names = "--master", defaultValue = "local[*]",
            description = "Spark master (default ${DEFAULT-VALUE}); a master given by spark-submit wins.")
    String master;

    @Option(names = "--compression", description = "Parquet codec: none, snappy, zstd, gzip or lz4_raw (default: Spark's"
            + " spark.sql.parquet.compression.codec when set, else none: decoded pixels compress poorly for the CPU it costs).")
    String compression;

    @Option(names = "--shard-records", defaultValue = "0",
            description = "Records per file: training workers each own whole files and stream a few at a time"
                    + " (default 0: automatic, as many as fit in " + (PrepOptions.AUTO_SHARD_MAX_BYTES >> 20)
                    + " MiB of pixels, channels x size x size bytes a record, at most "
                    + PrepOptions.AUTO_SHARD_MAX_RECORDS + "; " + PrepOptions.AUTO_SHARD_MAX_RECORDS
                    + " when --size is 0; e.g. 28x28 grey 1000, 3x128x128 85, 3x256x256 21).")
    int shardRecords;

    @Option(names = "--overwrite", description = "Replace the records and manifest of a non-empty --out.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        // options are checked before Spark starts
        PrepOptions options = new PrepOptions(input, out, format == null ? null : InputFormat.of(format), channels,
                size, validation, test, folds, partitions, overwrite, compression, shardRecords);
        SparkSession spark = SparkSession.builder().config(JobSession.conf(master, "sparkconv-prep")).getOrCreate();
        new PrepJob(spark, System.out).run(options);
        return 0;
    }
}
