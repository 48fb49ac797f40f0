package io.sparkconv.prep.prepared;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a prepared dataset's Parquet records ({@code OUT/records/split=NAME/*.parquet}):
 * key (source path under the input, or "file#index"), label, fold (0..K-1 in train, -1 elsewhere),
 * height, width, channels, pixels (CHW uint8), and split, the partition column (a directory level).
 */
public final class RecordSchema {
    public static final String KEY = "key";
    public static final String LABEL = "label";
    public static final String FOLD = "fold";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CHANNELS = "channels";
    public static final String PIXELS = "pixels";
    public static final String SPLIT = "split";

    /** Subdirectory of the output holding the records. */
    public static final String RECORDS_DIR = "records";

    /** The row layout the job writes; split last, as Spark puts partition columns. */
    public static final StructType SCHEMA = new StructType()
            .add(KEY, DataTypes.StringType, false)
            .add(LABEL, DataTypes.IntegerType, false)
            .add(FOLD, DataTypes.IntegerType, false)
            .add(HEIGHT, DataTypes.IntegerType, false)
            .add(WIDTH, DataTypes.IntegerType, false)
            .add(CHANNELS, DataTypes.IntegerType, false)
            .add(PIXELS, DataTypes.BinaryType, false)
            .add(SPLIT, DataTypes.StringType, false);

    private RecordSchema() {}
}
