package io.sparkconv.prep.source;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The kinds of input the preparation job reads. */
public enum InputFormat {
    /** A tree of class folders holding JPEG and PNG files; the class is the top folder's name. */
    FOLDER,
    /** MNIST-style IDX files: train-images-idx3-ubyte[.gz] with its labels, optionally t10k-*. */
    IDX,
    /** CIFAR-10 (data_batch_N.bin, test_batch.bin) or CIFAR-100 (train.bin, test.bin) binary batches. */
    CIFAR;

    /** "folder", "idx" or "cifar", as on the command line and in the manifest. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InputFormat of(String id) {
        for (InputFormat f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown input format '" + id + "': folder, idx or cifar");
    }

    /** The format of an input folder from the names of the files directly in it. */
    public static InputFormat detect(FileSystem fs, Path dir) throws IOException {
        for (FileStatus s : SourceFiles.list(fs, dir)) {
            if (!s.isFile()) {
                continue;
            }
            String name = s.getPath().getName();
            if (IdxSource.isIdxImages(name)) {
                return IDX;
            }
            if (CifarSource.isBatch(name)) {
                return CIFAR;
            }
        }
        return FOLDER;
    }
}
