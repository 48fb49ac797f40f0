package io.sparkconv.prep.prepared;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A dataset written by the preparation job ({@code sparkconv prep}): its manifest, its records as
 * a Spark Dataset per split, or a split loaded into memory as an {@link ImageSet}.
 */
public final class PreparedDataset {
    private final String path;
    private final Manifest manifest;

    private PreparedDataset(String path, Manifest manifest) {
        this.path = path;
        this.manifest = manifest;
    }

    /** Opens the dataset at a Hadoop path (the folder holding manifest.json), with a default Hadoop configuration. */
    public static PreparedDataset open(String path) throws IOException {
        return open(path, new Configuration());
    }

    /** Opens the dataset at a Hadoop path and reads its manifest. */
    public static PreparedDataset open(String path, Configuration conf) throws IOException {
        Path dir = new Path(path);
        String qualified = dir.getFileSystem(conf).makeQualified(dir).toString();
        return new PreparedDataset(qualified, Manifest.read(qualified, conf));
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The dataset's folder, qualified (file:/..., hdfs://...). */
    public String path() {
        return path;
    }

    /** The split's records, columns as in {@link RecordSchema}; empty when the split has none. */
    public Dataset<Row> records(SparkSession spark, String split) throws IOException {
        Split s = Split.of(split);
        Path records = new Path(path, RecordSchema.RECORDS_DIR);
        Path dir = new Path(records, RecordSchema.SPLIT + "=" + s.dirName());
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(dir)) {
            return spark.createDataFrame(List.of(), RecordSchema.SCHEMA);
        }
        // basePath keeps split, the partition column, in the rows
        return spark.read().schema(RecordSchema.SCHEMA).option("basePath", records.toString()).parquet(dir.toString());
    }

    /**
     * The split in memory, ordered by key. Needs one image shape across the dataset: when sizes vary,
     * prepare it with --size S.
     */
    public PreparedSplit load(SparkSession spark, String split) throws IOException {
        Manifest.ImageShape ms = manifest.shape();
        if (!ms.fixed()) {
            throw new IllegalArgumentException(path + ": images vary in shape (channels " + text(ms.channels())
                    + ", height " + text(ms.height()) + ", width " + text(ms.width()) + "); an ImageSet needs one:"
                    + " prepare the dataset with --size S");
        }
        Shape shape = new Shape(ms.channels(), ms.height(), ms.width());
        List<Row> rows = new ArrayList<>(records(spark, split)
                .select(RecordSchema.KEY, RecordSchema.LABEL, RecordSchema.FOLD, RecordSchema.CHANNELS,
                        RecordSchema.HEIGHT, RecordSchema.WIDTH, RecordSchema.PIXELS)
                .collectAsList());
        rows.sort(Comparator.comparing(r -> r.getString(0)));
        int n = rows.size();
        int size = shape.size();
        byte[] pixels = new byte[Math.multiplyExact(n, size)];
        int[] labels = new int[n];
        int[] folds = new int[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            keys[i] = r.getString(0);
            labels[i] = r.getInt(1);
            folds[i] = r.getInt(2);
            byte[] px = (byte[]) r.get(6);
            if (r.getInt(3) != shape.channels() || r.getInt(4) != shape.height() || r.getInt(5) != shape.width()
                    || px.length != size) {
                throw new IOException(path + ": record " + keys[i] + " is " + r.getInt(3) + "x" + r.getInt(4) + "x"
                        + r.getInt(5) + " (" + px.length + " bytes), the manifest says " + shape);
            }
            System.arraycopy(px, 0, pixels, i * size, size);
        }
        return new PreparedSplit(new ImageSet(split, shape, manifest.classes().size(), pixels, labels, keys), folds);
    }

    private static String text(Integer v) {
        return v == null ? "varies" : v.toString();
    }
}
