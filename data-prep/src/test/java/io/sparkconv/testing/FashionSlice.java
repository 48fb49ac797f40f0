package io.sparkconv.testing;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;

/** Writes the first N real Fashion-MNIST images as an IDX dataset folder, so tests train on real data quickly. */
public final class FashionSlice {
    private FashionSlice() {}

    public static Path write(Path dir, int trainCount, int testCount) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST),
                "Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)");
        Files.createDirectories(dir);
        writeIdx(dir, IdxImageSets.train(IdxImageSets.DEBIAN_FASHION_MNIST), trainCount, "train");
        writeIdx(dir, IdxImageSets.test(IdxImageSets.DEBIAN_FASHION_MNIST), testCount, "t10k");
        return dir;
    }

    private static void writeIdx(Path dir, ImageSet set, int count, String prefix) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
            out.writeInt(0x803);
            out.writeInt(count);
            out.writeInt(set.shape().height());
            out.writeInt(set.shape().width());
            out.write(set.pixels(), 0, count * set.shape().size());
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            out.writeInt(0x801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(set.labels()[i]);
            }
        }
    }
}
