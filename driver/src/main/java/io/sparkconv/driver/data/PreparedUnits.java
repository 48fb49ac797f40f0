package io.sparkconv.driver.data;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.prepared.RecordFileReader;
import io.sparkconv.prep.prepared.RecordSchema;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A part of a prepared dataset as its Parquet files, one unit per file ({@link RecordFileReader}).
 * A part may keep only some folds of each file (a held-out fold's run).
 */
public final class PreparedUnits extends SplitUnits {
    /** Which records of a file the part keeps, by their fold. */
    public enum FoldFilter {
        ALL, ONLY, EXCEPT;

        boolean keeps(int fold, int held) {
            return switch (this) {
                case ALL -> true;
                case ONLY -> fold == held;
                case EXCEPT -> fold != held;
            };
        }
    }

    /** One file of the part: relative to OUT/records, its records in this part, which it keeps. */
    public record File(String path, long records, FoldFilter filter, int fold) {}

    private final String dataset;
    private final List<File> files;
    private transient Configuration conf;

    public PreparedUnits(String name, String dataset, Shape shape, int classes, List<File> files) {
        super(name, shape, classes, files.stream().mapToLong(File::records).toArray());
        this.dataset = dataset;
        this.files = List.copyOf(files);
    }

    @Override
    public String describe(int unit) {
        return new Path(new Path(dataset, RecordSchema.RECORDS_DIR), files.get(unit).path()).toString();
    }

    @Override
    public ImageSet read(int unit) throws IOException {
        if (conf == null) {
            conf = new Configuration();
        }
        File f = files.get(unit);
        int held = f.fold();
        FoldFilter filter = f.filter();
        ImageSet set = RecordFileReader.read(new Path(describe(unit)), conf, name(), shape(), classes(), (int) f.records(),
                fold -> filter.keeps(fold, held));
        if (set.size() != f.records()) {
            throw new IOException(describe(unit) + " holds " + set.size() + " " + name() + " records; the manifest says "
                    + f.records() + " (was it changed since prep?)");
        }
        return set;
    }
}
