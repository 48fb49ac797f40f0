package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkconv.testing.ImageCorpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoder as the preparation job uses it: options, resize, threads, serialization. */
class ImageDecoderTest {
    @TempDir
    Path dir;

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new DecodeOptions(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new DecodeOptions(3, -1));
    }

    /**
     * One decoder thread keeps its decode target across images of a size; every image in a run of
     * same-size JPEGs (with another size in between) must still come out as the JDK decodes it alone.
     */
    @Test
    void jpegsInARowEachGiveTheirOwnPixels() throws Exception {
        List<byte[]> files = new ArrayList<>(ImageCorpus.jpegs(6, 32));
        files.add(3, ImageCorpus.jpegs(1, 40).get(0));
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));
        for (int i = 0; i < files.size(); i++) {
            java.awt.image.Raster r = javax.imageio.ImageIO.read(new ByteArrayInputStream(files.get(i))).getRaster();
            int h = r.getHeight();
            int w = r.getWidth();
            byte[] want = new byte[3 * h * w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        want[(c * h + y) * w + x] = (byte) r.getSample(x, y, c);
                    }
                }
            }
            assertArrayEquals(want, decoder.decode(files.get(i), "jpeg " + i).pixels(), "jpeg " + i);
        }
    }

    /** Above the kept target's size the reader decodes into its own image; the pixels are the same. */
    @Test
    void aJpegAboveTheKeptTargetSizeDecodesAsTheJdkDoes() throws Exception {
        int side = 2049; // 2049^2 > KEPT_IMAGE_MAX_PIXELS = 2048^2
        assertEquals(true, (long) side * side > ImageDecoder.KEPT_IMAGE_MAX_PIXELS);
        byte[] chw = new byte[3 * side * side];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (byte) ((i * 7) ^ (i >>> 11));
        }
        byte[] jpeg = io.sparkconv.testing.ImageEncoding.jpeg(io.sparkconv.testing.ImageEncoding.rgb(chw, side, side), 0.9f);
        java.awt.image.Raster r = javax.imageio.ImageIO.read(new ByteArrayInputStream(jpeg)).getRaster();
        byte[] got = new ImageDecoder(new DecodeOptions(3, 0)).decode(jpeg, "big.jpg").pixels();
        int plane = side * side;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y += 97) {
                for (int x = 0; x < side; x += 89) {
                    assertEquals(r.getSample(x, y, c), got[c * plane + y * side + x] & 0xff, c + " " + y + " " + x);
                }
            }
        }
    }

    /** Raw pixels (IDX, CIFAR) get the same channel and size conversion as the same pixels in a PNG file. */
    @Test
    void convertingRawPixelsEqualsDecodingThemFromAPng() throws Exception {
        java.util.Random rnd = new java.util.Random(5);
        byte[] grey = new byte[28 * 20];
        rnd.nextBytes(grey);
        byte[] rgb = new byte[3 * 28 * 20];
        rnd.nextBytes(rgb);
        for (int[] o : new int[][] {{3, 14}, {1, 16}, {3, 0}, {1, 0}}) {
            ImageDecoder d = new ImageDecoder(new DecodeOptions(o[0], o[1]));
            byte[] fromGreyPng = d.decode(io.sparkconv.testing.ImageEncoding.png(
                    io.sparkconv.testing.ImageEncoding.gray(grey, 28, 20)), "grey.png").pixels();
            byte[] fromRgbPng = d.decode(io.sparkconv.testing.ImageEncoding.png(
                    io.sparkconv.testing.ImageEncoding.rgb(rgb, 28, 20)), "rgb.png").pixels();
            String what = o[0] + " channels, size " + o[1];
            assertArrayEquals(fromGreyPng, d.convert(new DecodedImage(1, 28, 20, grey)).pixels(), "grey to " + what);
            assertArrayEquals(fromRgbPng, d.convert(new DecodedImage(3, 28, 20, rgb)).pixels(), "rgb to " + what);
        }
    }

    /** Size S gives S x S for every decodable corpus file, the EXIF one cropped from its rotated form. */
    @Test
    void everyImageComesOutSquareAtSizeS() throws Exception {
        ImageCorpus.Written corpus = ImageCorpus.write(dir, 6);
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 20));
        for (ImageCorpus.Entry e : corpus.decoded()) {
            DecodedImage img = decoder.decode(Files.readAllBytes(e.path()), e.path().toString());
            assertEquals(3 * 20 * 20, img.pixels().length, e.path().toString());
        }
        // the EXIF image is 56 high, 28 wide once upright: at S = 28 the crop is its rows 14..41
        ImageCorpus.Entry exif = corpus.entry(ImageCorpus.Kind.EXIF_ROTATED_JPEG);
        byte[] bytes = Files.readAllBytes(exif.path());
        DecodedImage full = new ImageDecoder(new DecodeOptions(1, 0)).decode(bytes, "full");
        DecodedImage crop = new ImageDecoder(new DecodeOptions(1, 28)).decode(bytes, "crop");
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(full.at(0, y + 14, x), crop.at(0, y, x));
            }
        }
    }

    /** Four threads decoding the corpus at once get what one thread gets. */
    @Test
    void threadsShareOneDecoder() throws Exception {
        ImageCorpus.Written corpus = ImageCorpus.write(dir, 6);
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 16));
        List<byte[]> files = new ArrayList<>();
        List<byte[]> want = new ArrayList<>();
        for (ImageCorpus.Entry e : corpus.decoded()) {
            files.add(Files.readAllBytes(e.path()));
            want.add(decoder.decode(files.get(files.size() - 1), e.path().toString()).pixels());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<byte[]>>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    List<byte[]> got = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < files.size(); i++) {
                            got.add(decoder.decode(files.get(i), "f" + i).pixels());
                        }
                    }
                    return got;
                }));
            }
            for (Future<List<byte[]>> run : runs) {
                List<byte[]> got = run.get();
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(want.get(i % files.size()), got.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Spark ships the decoder to executors inside the task closure. */
    @Test
    void survivesJavaSerialization() throws Exception {
        ImageCorpus.Written corpus = ImageCorpus.write(dir, 2);
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(1, 12));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(decoder);
        }
        ImageDecoder copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
            copy = (ImageDecoder) in.readObject();
        }
        assertEquals(decoder.options(), copy.options());
        byte[] bytes = Files.readAllBytes(corpus.entry(ImageCorpus.Kind.RGB_PNG).path());
        assertArrayEquals(decoder.decode(bytes, "a").pixels(), copy.decode(bytes, "b").pixels());
    }
}
