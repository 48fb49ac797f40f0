package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.testing.ImageCorpus;
import io.sparkconv.testing.ImageCorpus.Entry;
import io.sparkconv.testing.ImageCorpus.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file of the test corpus decodes to its source, or is rejected with its reason. */
class ImageDecoderCorpusTest {
    @TempDir
    static Path dir;
    static ImageCorpus.Written corpus;

    @BeforeAll
    static void writeCorpus() throws IOException {
        corpus = ImageCorpus.write(dir);
    }

    @Test
    void everyFileDecodesToItsShapeOrIsRejectedWithItsReason() throws IOException {
        for (int channels : new int[] {1, 3}) {
            ImageDecoder decoder = new ImageDecoder(new DecodeOptions(channels, 0));
            for (Entry e : corpus.entries()) {
                byte[] bytes = Files.readAllBytes(e.path());
                if (e.decodes()) {
                    DecodedImage img = decode(decoder, bytes, e);
                    assertEquals(channels, img.channels(), e.path().toString());
                    assertEquals(e.height(), img.height(), e.path() + " height");
                    assertEquals(e.width(), img.width(), e.path() + " width");
                } else {
                    ImageRejectedException x = assertThrows(ImageRejectedException.class,
                            () -> decoder.decode(bytes, e.path().toString()), e.path().toString());
                    assertEquals(e.reject(), x.reason(), e.path().toString());
                }
            }
        }
        assertEquals(3, corpus.rejected().size());
        assertEquals(ImageCorpus.FASHION_CLASSES.size(), corpus.decodedPerClass().size());
    }

    @Test
    void losslessFilesGiveExactlyTheSourcePixels() throws IOException {
        int checked = 0;
        for (int channels : new int[] {1, 3}) {
            ImageDecoder decoder = new ImageDecoder(new DecodeOptions(channels, 0));
            for (Entry e : corpus.decoded()) {
                if (e.lossless()) {
                    DecodedImage img = decode(decoder, Files.readAllBytes(e.path()), e);
                    assertArrayEquals(e.expected(channels), img.pixels(), e.path() + " with " + channels + " channels");
                    checked++;
                }
            }
        }
        // grey, RGB, RGBA and palette PNGs of every class, and the two 16-bit PNGs, twice
        assertEquals(2 * (4 * ImageCorpus.FASHION_CLASSES.size() + 2), checked);
    }

    /**
     * JPEG at quality 0.95: the luma (stored at full resolution) has a mean absolute error under
     * 1.5 per pixel; the colours under 16 per sample, because the JPEG writer's 4:2:0 chroma
     * subsampling blurs the full-range orange/blue edge the tint puts around every digit (a swap of
     * R and B would give about 130). CMYK and YCCK files (written without subsampling,
     * but through one more rounding to CMYK) under 3.
     */
    @Test
    void jpegsAreCloseToTheSource() throws IOException {
        ImageDecoder rgbDecoder = new ImageDecoder(new DecodeOptions(3, 0));
        ImageDecoder lumaDecoder = new ImageDecoder(new DecodeOptions(1, 0));
        int checked = 0;
        for (Entry e : corpus.decoded()) {
            if (e.lossless()) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(e.path());
            double luma = meanAbsError(e.expected(1), decode(lumaDecoder, bytes, e).pixels());
            double rgb = meanAbsError(e.expected(3), decode(rgbDecoder, bytes, e).pixels());
            assertTrue(luma < 1.5, e.path() + ": mean absolute luma error " + luma);
            assertTrue(rgb < (e.kind() == Kind.RGB_JPEG ? 25 : 3), e.path() + ": mean absolute RGB error " + rgb);
            checked++;
        }
        assertEquals(2 * ImageCorpus.FASHION_CLASSES.size() + 4, checked);
    }

    /** For a plain JPEG we read the same rows as the JDK's own decoder, without its colour conversions. */
    @Test
    void plainJpegsMatchTheJdkDecoderExactly() throws IOException {
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));
        for (Kind kind : new Kind[] {Kind.RGB_JPEG, Kind.GRAY_JPEG, Kind.PROGRESSIVE_JPEG}) {
            Entry e = corpus.entry(kind);
            byte[] bytes = Files.readAllBytes(e.path());
            java.awt.image.BufferedImage jdk = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
            java.awt.image.Raster r = jdk.getRaster();
            int plane = e.height() * e.width();
            byte[] want = new byte[3 * plane];
            for (int y = 0; y < e.height(); y++) {
                for (int x = 0; x < e.width(); x++) {
                    for (int c = 0; c < 3; c++) {
                        // TYPE_BYTE_GRAY has one band; TYPE_3BYTE_BGR's bands are R, G, B
                        want[c * plane + y * e.width() + x] = (byte) r.getSample(x, y, r.getNumBands() == 1 ? 0 : c);
                    }
                }
            }
            assertArrayEquals(want, decode(decoder, bytes, e).pixels(), e.path().toString());
        }
    }

    private static double meanAbsError(byte[] want, byte[] got) {
        assertEquals(want.length, got.length);
        double sum = 0;
        for (int i = 0; i < want.length; i++) {
            sum += Math.abs((want[i] & 0xff) - (got[i] & 0xff));
        }
        return sum / want.length;
    }

    private static DecodedImage decode(ImageDecoder decoder, byte[] bytes, Entry e) {
        try {
            return decoder.decode(bytes, e.path().toString());
        } catch (ImageRejectedException x) {
            throw new AssertionError(e.path() + " (" + e.kind() + ") was rejected: " + x.reason(), x);
        }
    }

    static Entry entry(Kind kind) {
        return corpus.entry(kind);
    }
}
