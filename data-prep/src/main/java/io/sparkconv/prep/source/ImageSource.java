package io.sparkconv.prep.source;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An input as the driver sees it after listing: its classes, how many records it holds and the
 * chunks executors read them in. Opening a source checks everything that can be checked without
 * reading the images (folders, file names, headers, lengths), so a bad input fails before any work.
 */
public interface ImageSource {
    InputFormat format();

    /** The input, fully qualified (file:/..., hdfs://...). */
    String path();

    /** Class names; a record's label is its class's index here. */
    List<String> classes();

    /** The channels images have at the source: 1 for IDX, 3 for CIFAR and for image folders. */
    int channels();

    /** True when the source has test files of its own (IDX t10k-*, CIFAR test batches). */
    boolean hasTestFiles();

    /** Records the chunks yield in all. */
    long size();

    /** The records cut into about {@code partitions} chunks of similar work (at least one record each). */
    List<SourceChunk> chunks(int partitions);

    /** One line for the log: what was found, e.g. "20,000 images in 10 class folders". */
    String describe();

    /** Lists the input; {@code format} null detects it from the file names. */
    static ImageSource open(String input, InputFormat format, Configuration conf) throws IOException {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(conf);
        Path dir = fs.makeQualified(path);
        InputFormat f = format != null ? format : InputFormat.detect(fs, dir);
        return switch (f) {
            case FOLDER -> FolderSource.list(fs, dir);
            case IDX -> IdxSource.open(fs, dir);
            case CIFAR -> CifarSource.open(fs, dir);
        };
    }
}
