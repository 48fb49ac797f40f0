package io.sparkconv.prep.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a prepared dataset holds, written as {@code OUT/manifest.json} (snake_case fields) next to
 * the Parquet records: where it came from and how it was prepared, its classes, shape, counts per
 * split and fold, the pixel statistics of the train split, and every record that was rejected.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written; readers refuse newer versions
 * @param shape the common image shape; a field is null when images differ in it
 * @param foldCounts train records per fold, fold 0 first
 * @param stats null when the train split is empty
 * @param shards every records file with its split, record count and (train files) records per
 *               fold, train first, then validation, test: what training shards the dataset by,
 *               without opening a footer; null in manifests written before they were listed
 */
public record Manifest(int formatVersion, Source source, Options options, List<String> classes, ImageShape shape,
                       Counts counts, List<Long> foldCounts, Stats stats, List<Rejection> rejected, Totals totals,
                       List<Shard> shards) {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // fields a later version adds are skipped; the format version says when that is not safe
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One Parquet file of records.
     *
     * @param split   train, validation or test
     * @param file    relative to {@code OUT/records}, e.g. {@code split=train/part-00003-00001-JOB.parquet}
     * @param records how many records it holds (at most {@code options.shard_records})
     * @param foldRecords for a train file of a dataset prepared with 2 or more folds, how many of
     *                    its records are in each fold, fold 0 first (they sum to {@code records}):
     *                    what a trainer holding a fold out sizes the training part by without
     *                    opening the file; null for validation and test files, with one fold, and
     *                    in manifests written before they were counted
     */
    public record Shard(String split, String file, long records, List<Long> foldRecords) {}

    /** The input: its qualified path and format (folder, idx, cifar). */
    public record Source(String path, String format) {}

    /**
     * The options the data was prepared with, resolved (defaults filled in); compression is the
     * Parquet codec's name (null in manifests written before it was recorded: snappy); shardRecords
     * the records per file the files were cut at, the automatic value when --shard-records was not
     * given (0 in manifests written before files were cut by count).
     */
    public record Options(String input, String out, String format, int channels, int size, double validation,
                          double test, int folds, int partitions, String compression, int shardRecords) {}

    /** Channels, height and width shared by every record; null where records differ. */
    public record ImageShape(Integer channels, Integer height, Integer width) {
        public boolean fixed() {
            return channels != null && height != null && width != null;
        }
    }

    public record Counts(long train, long validation, long test) {
        public long total() {
            return train + validation + test;
        }
    }

    /**
     * Statistics of pixel / 255 over the train split: per-channel mean and population standard
     * deviation; for RGB the covariance, its eigenvalues (descending) and eigenvectors (as columns).
     */
    public record Stats(List<Double> mean, List<Double> std, List<List<Double>> covariance, List<Double> eigenvalues,
                        List<List<Double>> eigenvectors) {}

    /** A record that could not be prepared, with the decoder's (short, stable) reason. */
    public record Rejection(String key, String reason) implements java.io.Serializable {}

    /** Records read (written + rejected) and the job's wall time. */
    public record Totals(long read, long written, long rejected, double seconds) {}

    /** Writes OUT/manifest.json through the Hadoop file system of {@code outDir}. */
    public void write(String outDir, Configuration conf) throws IOException {
        Path file = new Path(outDir, FILE_NAME);
        FileSystem fs = file.getFileSystem(conf);
        try (OutputStream out = fs.create(file, true)) {
            JSON.writeValue(out, this);
        }
    }

    /** Reads DIR/manifest.json; the message names the file when it is missing, malformed or too new. */
    public static Manifest read(String dir, Configuration conf) throws IOException {
        Path file = new Path(dir, FILE_NAME);
        FileSystem fs = file.getFileSystem(conf);
        Manifest m;
        try (InputStream in = fs.open(file)) {
            m = JSON.readValue(in, Manifest.class);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(file + ": no manifest; is " + dir + " a dataset written by sparkconv prep?");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a valid manifest: " + e.getOriginalMessage(), e);
        }
        if (m.formatVersion() > FORMAT_VERSION || m.formatVersion() < 1) {
            throw new IOException(file + ": format_version " + m.formatVersion() + "; this version reads 1.."
                    + FORMAT_VERSION);
        }
        return m;
    }

    /** The manifest as JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
