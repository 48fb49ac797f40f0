package io.sparkconv.driver.data;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedSplit;
import io.sparkconv.prep.prepared.RecordSchema;
import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * A split of a prepared dataset read straight from its Parquet files, without a SparkSession: the
 * training workers run inside Spark tasks, where no session exists, and the single-process trainer
 * runs without Spark at all. Ordered by key, like {@link io.sparkconv.prep.prepared.PreparedDataset#load},
 * so position p is the same image in every process.
 */
public final class PreparedFiles {
    private PreparedFiles() {}

    private record Row(String key, int label, int fold, byte[] pixels) {}

    public static PreparedSplit read(String dataset, Manifest manifest, String split, Configuration conf) throws IOException {
        Manifest.ImageShape ms = manifest.shape();
        if (!ms.fixed()) {
            throw new IllegalArgumentException(dataset + ": images vary in shape; training needs one: prepare it with --size S");
        }
        Shape shape = new Shape(ms.channels(), ms.height(), ms.width());
        Path dir = new Path(new Path(dataset, RecordSchema.RECORDS_DIR), RecordSchema.SPLIT + "=" + Split.of(split).dirName());
        FileSystem fs = dir.getFileSystem(conf);
        List<Row> rows = new ArrayList<>();
        if (fs.exists(dir)) {
            for (FileStatus file : fs.listStatus(dir, p -> p.getName().endsWith(".parquet"))) {
                readFile(file.getPath(), conf, shape, rows);
            }
        }
        rows.sort(Comparator.comparing(Row::key));
        int n = rows.size();
        byte[] pixels = new byte[Math.multiplyExact(n, shape.size())];
        int[] labels = new int[n];
        int[] folds = new int[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            keys[i] = r.key();
            labels[i] = r.label();
            folds[i] = r.fold();
            System.arraycopy(r.pixels(), 0, pixels, i * shape.size(), shape.size());
        }
        return new PreparedSplit(new ImageSet(split, shape, manifest.classes().size(), pixels, labels, keys), folds);
    }

    @SuppressWarnings("deprecation") // the Path builder is the one parquet-hadoop 1.13-1.17 all share
    private static void readFile(Path file, Configuration conf, Shape shape, List<Row> into) throws IOException {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                String key = g.getString(RecordSchema.KEY, 0);
                byte[] px = g.getBinary(RecordSchema.PIXELS, 0).getBytes();
                int c = g.getInteger(RecordSchema.CHANNELS, 0);
                int h = g.getInteger(RecordSchema.HEIGHT, 0);
                int w = g.getInteger(RecordSchema.WIDTH, 0);
                if (c != shape.channels() || h != shape.height() || w != shape.width() || px.length != shape.size()) {
                    throw new IOException(file + ": record " + key + " is " + c + "x" + h + "x" + w + " (" + px.length
                            + " bytes); the manifest says " + shape);
                }
                into.add(new Row(key, g.getInteger(RecordSchema.LABEL, 0), g.getInteger(RecordSchema.FOLD, 0), px));
            }
        }
    }
}
