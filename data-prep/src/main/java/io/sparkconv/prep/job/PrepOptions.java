package io.sparkconv.prep.job;

import io.sparkconv.prep.source.InputFormat;

/**
 * What to prepare and how, as the {@code prep} command takes it.
 *
 * @param input the dataset folder, any Hadoop path (file://, hdfs://, s3a://)
 * @param out the output folder: OUT/manifest.json and OUT/records/split=NAME/
 * @param format null detects it from the input's file names
 * @param channels 1 or 3; null keeps the source's (1 for IDX, 3 for CIFAR and image folders)
 * @param size 0 keeps every image's size; S scales the shorter side to S and center-crops S x S
 * @param validation fraction of the (training) records held out for validation
 * @param test fraction held out for test; null means 0.1, or 0 when the source has test files of its own
 * @param folds K folds of the train split, K >= 1
 * @param partitions Spark tasks, hence Parquet files per split; 0 picks from the cluster's parallelism
 * @param overwrite replace OUT/records and OUT/manifest.json when OUT is not empty
 * @param compression the Parquet codec (none, snappy, zstd, gzip, lz4_raw); null takes Spark's
 *     {@code spark.sql.parquet.compression.codec} when it is set, else none (see {@link #DEFAULT_COMPRESSION})
 * @param shardRecords records per file: the unit training shards a dataset by; 0 picks it from the
 *     image size ({@link #autoShardRecords})
 */
public record PrepOptions(String input, String out, InputFormat format, Integer channels, int size, double validation,
                          Double test, int folds, int partitions, boolean overwrite, String compression,
                          int shardRecords) {
    public static final double DEFAULT_VALIDATION = 0.1;
    public static final double DEFAULT_TEST = 0.1;
    public static final int DEFAULT_FOLDS = 5;
    /**
     * Decoded pixels are stored uncompressed unless asked: on the 64 x 64 benchmark set snappy
     * saved 30% of the bytes for 29% more task CPU (half as much as the decode), and decoded
     * photos compress far less than that. The keys and small columns are a few percent of a file
     * either way.
     */
    public static final String DEFAULT_COMPRESSION = "none";
    /**
     * Records per file at most when picked automatically. Workers own whole files, so files must be
     * many and small enough to balance K workers (Fashion-MNIST's 53,986 training records make 56
     * files on 2 cores, not the 8 row groups of 64 MB they used to fill), and large enough that a
     * file's footer and its reads stay cheap.
     */
    public static final int AUTO_SHARD_MAX_RECORDS = 1000;
    /**
     * Pixel bytes per file at most when picked automatically: a training stream holds about two
     * files in memory and a worker draws its batches from a few dozen streams, so a file must stay
     * a few MB (1,000 RGB images at 256x256 would be 196 MB).
     */
    public static final int AUTO_SHARD_MAX_BYTES = 4 << 20;
    public static final java.util.List<String> CODECS = java.util.List.of("none", "snappy", "zstd", "gzip", "lz4_raw");

    public PrepOptions {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("--input: the dataset folder is required");
        }
        if (out == null || out.isBlank()) {
            throw new IllegalArgumentException("--out: the output folder is required");
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--channels " + channels + ": 1 (grey) or 3 (RGB)");
        }
        if (size < 0) {
            throw new IllegalArgumentException("--size " + size + ": 0 (keep) or the side S of the S x S images");
        }
        if (!(validation >= 0 && validation < 1)) {
            throw new IllegalArgumentException("--validation " + validation + ": a fraction in [0, 1)");
        }
        if (test != null && !(test >= 0 && test < 1)) {
            throw new IllegalArgumentException("--test " + test + ": a fraction in [0, 1)");
        }
        if (folds < 1) {
            throw new IllegalArgumentException("--folds " + folds + ": at least 1");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions " + partitions + ": 0 (auto) or more");
        }
        if (compression != null && !CODECS.contains(compression)) {
            throw new IllegalArgumentException("--compression " + compression + ": one of " + String.join(", ", CODECS));
        }
        if (shardRecords < 0) {
            throw new IllegalArgumentException("--shard-records " + shardRecords + ": 0 (automatic) or more");
        }
    }

    /**
     * Records per file when not given: as many as fit in {@link #AUTO_SHARD_MAX_BYTES} of pixels
     * (channels x size x size bytes a record; the key and label are a few bytes more), at least 1
     * and at most {@link #AUTO_SHARD_MAX_RECORDS}; with size 0 (kept) images may differ, and the
     * count is {@link #AUTO_SHARD_MAX_RECORDS}. 28x28 grey: 1000, 3x128x128: 85, 3x256x256: 21.
     */
    public static int autoShardRecords(int channels, int size) {
        if (size == 0) {
            return AUTO_SHARD_MAX_RECORDS;
        }
        long bytesPerRecord = (long) channels * size * size;
        return (int) Math.min(AUTO_SHARD_MAX_RECORDS, Math.max(1, AUTO_SHARD_MAX_BYTES / bytesPerRecord));
    }

    /** The records per file: --shard-records when given, else {@link #autoShardRecords} for these images. */
    public int resolvedShardRecords(int resolvedChannels) {
        return shardRecords > 0 ? shardRecords : autoShardRecords(resolvedChannels, size);
    }

    /** The defaults for everything but input and output. */
    public static PrepOptions of(String input, String out) {
        return new PrepOptions(input, out, null, null, 0, DEFAULT_VALIDATION, null, DEFAULT_FOLDS, 0, false, null, 0);
    }

    public PrepOptions withFormat(InputFormat f) {
        return new PrepOptions(input, out, f, channels, size, validation, test, folds, partitions, overwrite, compression, shardRecords);
    }

    public PrepOptions withChannels(Integer c) {
        return new PrepOptions(input, out, format, c, size, validation, test, folds, partitions, overwrite, compression, shardRecords);
    }

    public PrepOptions withSize(int s) {
        return new PrepOptions(input, out, format, channels, s, validation, test, folds, partitions, overwrite, compression, shardRecords);
    }

    public PrepOptions withFractions(double v, Double t) {
        return new PrepOptions(input, out, format, channels, size, v, t, folds, partitions, overwrite, compression, shardRecords);
    }

    public PrepOptions withFolds(int k) {
        return new PrepOptions(input, out, format, channels, size, validation, test, k, partitions, overwrite, compression, shardRecords);
    }

    public PrepOptions withPartitions(int p) {
        return new PrepOptions(input, out, format, channels, size, validation, test, folds, p, overwrite, compression, shardRecords);
    }

    public PrepOptions withCompression(String codec) {
        return new PrepOptions(input, out, format, channels, size, validation, test, folds, partitions, overwrite, codec, shardRecords);
    }

    public PrepOptions withShardRecords(int n) {
        return new PrepOptions(input, out, format, channels, size, validation, test, folds, partitions, overwrite, compression, n);
    }

    public PrepOptions withOut(String o, boolean replace) {
        return new PrepOptions(input, o, format, channels, size, validation, test, folds, partitions, replace, compression, shardRecords);
    }
}
