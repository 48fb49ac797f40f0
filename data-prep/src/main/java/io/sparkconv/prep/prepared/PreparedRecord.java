package io.sparkconv.prep.prepared;

/**
 * One record of a prepared dataset as its Parquet file holds it (the split is the folder the file
 * is in, see {@link RecordSchema}): pixels are CHW uint8, fold is -1 outside the train split.
 */
public record PreparedRecord(String key, int label, int fold, int channels, int height, int width, byte[] pixels) {}
