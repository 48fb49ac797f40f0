package io.sparkconv.driver.predict;

import io.sparkconv.kernels.backends.BackendChoice;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code predict} scores and where it writes.
 *
 * @param input   a prepared dataset or a folder of IDX files; null: the data the run trained on
 * @param split   which part of the input: test (default), validation or train
 * @param out     the output folder: {@code predictions/} (Parquet or CSV) and {@code predict.json}
 * @param top     K, the most probable classes each row lists
 * @param format  parquet or csv
 * @param backend the run's own when null
 */
public record PredictOptions(String input, String split, String out, int top, String format, BackendChoice backend) {
    static final Set<String> SPLITS = Set.of("train", "validation", "test");
    static final Set<String> FORMATS = Set.of("parquet", "csv");

    public PredictOptions {
        split = split == null ? "test" : split.toLowerCase(Locale.ROOT);
        format = format == null ? "parquet" : format.toLowerCase(Locale.ROOT);
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("--split must be train, validation or test, got '" + split + "'");
        }
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("--format must be parquet or csv, got '" + format + "'");
        }
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        if (out == null) {
            throw new IllegalArgumentException("--out is required");
        }
    }
}
