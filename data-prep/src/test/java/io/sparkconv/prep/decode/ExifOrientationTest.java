package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.testing.ImageCorpus;
import io.sparkconv.testing.ImageEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The EXIF orientation is read from the JPEG bytes and all eight values show the image upright. */
class ExifOrientationTest {
    @TempDir
    Path dir;

    @Test
    void theRotatedCorpusJpegIsTheUnrotatedOneTurnedClockwise() throws Exception {
        ImageCorpus.Entry e = ImageCorpus.write(dir, 1).entry(ImageCorpus.Kind.EXIF_ROTATED_JPEG);
        byte[] rotated = Files.readAllBytes(e.path());
        assertEquals(6, ExifOrientation.read(rotated));
        byte[] plain = withoutFirstSegment(rotated);
        assertEquals(1, ExifOrientation.read(plain));

        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));
        DecodedImage stored = decoder.decode(plain, "plain");
        DecodedImage shown = decoder.decode(rotated, "rotated");
        assertEquals(e.width(), stored.height()); // 28 high, 56 wide as stored
        assertEquals(e.height(), shown.height()); // 56 high, 28 wide as shown
        assertEquals(e.width(), shown.width());
        assertArrayEquals(rotateClockwise(stored).pixels(), shown.pixels());
    }

    /**
     * Each orientation against the stored image put through the operations EXIF names for it
     * (mirror left-right, then turn clockwise by 0, 90, 180 or 270 degrees), both byte orders.
     */
    @Test
    void allEightOrientations() throws Exception {
        ImageCorpus.Entry e = ImageCorpus.write(dir, 1).entry(ImageCorpus.Kind.EXIF_ROTATED_JPEG);
        byte[] plain = withoutFirstSegment(Files.readAllBytes(e.path()));
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));
        DecodedImage stored = decoder.decode(plain, "plain");
        boolean[] mirror = {false, false, true, false, true, true, false, true, false};
        int[] quarterTurns = {0, 0, 0, 2, 2, 3, 1, 1, 3};
        for (int o = 1; o <= 8; o++) {
            DecodedImage want = mirror[o] ? mirrorLeftRight(stored) : stored;
            for (int t = 0; t < quarterTurns[o]; t++) {
                want = rotateClockwise(want);
            }
            for (boolean little : new boolean[] {false, true}) {
                byte[] bytes = ImageEncoding.withExifOrientation(plain, o, little);
                assertEquals(o, ExifOrientation.read(bytes), "orientation " + o);
                DecodedImage got = decoder.decode(bytes, "o" + o);
                assertEquals(want.height(), got.height(), "orientation " + o);
                assertArrayEquals(want.pixels(), got.pixels(), "orientation " + o);
            }
        }
    }

    @Test
    void malformedOrMissingExifMeansUpright() throws IOException {
        ImageCorpus.Entry e = ImageCorpus.write(dir, 1).entry(ImageCorpus.Kind.EXIF_ROTATED_JPEG);
        byte[] plain = withoutFirstSegment(Files.readAllBytes(e.path()));
        assertEquals(1, ExifOrientation.read(ImageEncoding.withExifOrientation(plain, 9, false)));
        assertEquals(1, ExifOrientation.read(ImageEncoding.withExifOrientation(plain, 0, true)));
        byte[] broken = ImageEncoding.withExifOrientation(plain, 6, false);
        broken[12] = 'X'; // byte-order mark "MM" -> "XM"
        assertEquals(1, ExifOrientation.read(broken));
        // an APP1 whose length runs past the end of the file
        byte[] cut = Arrays.copyOf(ImageEncoding.withExifOrientation(plain, 6, false), 20);
        assertEquals(1, ExifOrientation.read(cut));
    }

    /** The JPEG without the segment after SOI (the APP1 the corpus inserted). */
    private static byte[] withoutFirstSegment(byte[] jpeg) {
        int length = (jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff);
        byte[] out = new byte[jpeg.length - 2 - length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(jpeg, 4 + length, out, 2, jpeg.length - 4 - length);
        return out;
    }

    /** Pixel (x, y) of an h x w image goes to (h-1-y, x) of the w x h result. */
    static DecodedImage rotateClockwise(DecodedImage in) {
        int h = in.height();
        int w = in.width();
        byte[] out = new byte[in.pixels().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[c * h * w + x * h + (h - 1 - y)] = (byte) in.at(c, y, x);
                }
            }
        }
        return new DecodedImage(in.channels(), w, h, out);
    }

    static DecodedImage mirrorLeftRight(DecodedImage in) {
        int h = in.height();
        int w = in.width();
        byte[] out = new byte[in.pixels().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[c * h * w + y * w + (w - 1 - x)] = (byte) in.at(c, y, x);
                }
            }
        }
        return new DecodedImage(in.channels(), h, w, out);
    }
}
