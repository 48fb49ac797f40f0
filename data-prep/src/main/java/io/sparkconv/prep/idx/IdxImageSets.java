package io.sparkconv.prep.idx;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MNIST-style datasets: a folder with {prefix}-images-idx3-ubyte[.gz] and
 * {prefix}-labels-idx1-ubyte[.gz] for the prefixes "train" and "t10k".
 */
public final class IdxImageSets {
    /** Where Debian's dataset-fashion-mnist package puts Fashion-MNIST. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private IdxImageSets() {}

    public static ImageSet train(Path dir) throws IOException {
        return load(dir, "train");
    }

    public static ImageSet test(Path dir) throws IOException {
        return load(dir, "t10k");
    }

    public static ImageSet load(Path dir, String prefix) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        IdxFile img = IdxFile.read(images);
        IdxFile lab = IdxFile.read(labels);
        if (img.dims().length != 3) {
            throw new IdxFormatException(images + ": images need 3 dimensions (count, rows, columns), found "
                    + img.dims().length);
        }
        if (lab.dims().length != 1) {
            throw new IdxFormatException(labels + ": labels need 1 dimension, found " + lab.dims().length);
        }
        if (img.count() != lab.count()) {
            throw new IdxFormatException(images + " holds " + img.count() + " images but " + labels + " holds "
                    + lab.count() + " labels");
        }
        int[] lb = new int[lab.count()];
        int max = 0;
        for (int i = 0; i < lb.length; i++) {
            lb[i] = lab.data()[i] & 0xff;
            max = Math.max(max, lb[i]);
        }
        String[] keys = new String[lb.length];
        String base = images.getFileName().toString();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = base + "#" + i;
        }
        return new ImageSet(prefix, new Shape(1, img.dims()[1], img.dims()[2]), Math.max(10, max + 1), img.data(), lb, keys);
    }

    /** The keys {@link #load} gives a set's images ({@code file#index}), from the images file's header alone. */
    public static String[] keys(Path dir, String prefix) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        int count;
        try (java.io.DataInputStream in = new java.io.DataInputStream(IdxFile.open(Files.newInputStream(images)))) {
            count = IdxFile.readHeader(images.toString(), in)[0];
        }
        String[] keys = new String[count];
        String base = images.getFileName().toString();
        for (int i = 0; i < count; i++) {
            keys[i] = base + "#" + i;
        }
        return keys;
    }

    /** The shape {@link #load} gives a set's images (1 x rows x columns), from the images file's header alone. */
    public static Shape shape(Path dir, String prefix) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        try (java.io.DataInputStream in = new java.io.DataInputStream(IdxFile.open(Files.newInputStream(images)))) {
            int[] dims = IdxFile.readHeader(images.toString(), in);
            if (dims.length != 3) {
                throw new IdxFormatException(images + ": images need 3 dimensions (count, rows, columns), found "
                        + dims.length);
            }
            return new Shape(1, dims[1], dims[2]);
        }
    }

    private static Path find(Path dir, String stem) throws IOException {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new java.nio.file.NoSuchFileException(dir.resolve(stem + ".gz").toString(), null,
                "no " + stem + "[.gz] in " + dir + (dir.equals(DEBIAN_FASHION_MNIST)
                        ? " (install it with: apt-get install dataset-fashion-mnist)" : ""));
    }
}
