package io.sparkconv.prep.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 10);
        }
        byte[] content = idx(0x803, new int[] {2, 3, 4}, pixels);
        IdxFile raw = IdxFile.read(write("a-images-idx3-ubyte", content, false));
        IdxFile gz = IdxFile.read(write("b-images-idx3-ubyte.gz", content, true));
        assertArrayEquals(new int[] {2, 3, 4}, raw.dims());
        assertEquals(12, raw.itemSize());
        assertArrayEquals(pixels, raw.data());
        assertArrayEquals(raw.data(), gz.data());
    }

    @Test
    void badMagicNamesTheFileAndTheNumber() throws IOException {
        Path p = write("x-images-idx3-ubyte", idx(0x12345678, new int[] {}, new byte[0]), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("0x12345678"), e.getMessage());
    }

    @Test
    void truncatedDataSaysHowMuchIsMissing() throws IOException {
        byte[] content = idx(0x803, new int[] {10, 28, 28}, new byte[1000]);
        Path p = write("t-images-idx3-ubyte.gz", content, true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("7,840")
                && e.getMessage().contains("1,000"), e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path p = write("h-labels-idx1-ubyte", new byte[] {0, 0, 8, 1, 0}, false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void imagesAndLabelsMustAgreeInCount() throws IOException {
        write("train-images-idx3-ubyte.gz", idx(0x803, new int[] {3, 2, 2}, new byte[12]), true);
        write("train-labels-idx1-ubyte.gz", idx(0x801, new int[] {2}, new byte[2]), true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxImageSets.train(dir));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void realFashionMnist() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST),
                "Debian's dataset-fashion-mnist is not installed");
        ImageSet train = IdxImageSets.train(IdxImageSets.DEBIAN_FASHION_MNIST);
        ImageSet test = IdxImageSets.test(IdxImageSets.DEBIAN_FASHION_MNIST);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(784, train.shape().size());
        int[] perClass = new int[10];
        for (int label : test.labels()) {
            perClass[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(1_000, perClass[c], "test images of class " + c);
        }
        // The first training image is an ankle boot (class 9), as in Zalando's README.
        assertEquals(9, train.labels()[0]);
    }
}
