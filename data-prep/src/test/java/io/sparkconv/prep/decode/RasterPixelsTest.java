package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.testing.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Colour models to CHW planes: the values as stored, 16 bits rounded to 8, BT.601 luma. */
class RasterPixelsTest {
    /** All 65,536 16-bit grey values, through a real PNG: v becomes round(v * 255 / 65535). */
    /** The eight-pixels-at-a-time split of packed R, G, B bytes against the obvious loop, with tails. */
    @Test
    void packedRgbSplitsIntoPlanes() {
        java.util.Random rnd = new java.util.Random(9);
        for (int n : new int[] {1, 7, 8, 9, 63, 4096, 4101}) {
            byte[] rgb = new byte[3 * n];
            rnd.nextBytes(rgb);
            byte[] want = new byte[3 * n];
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < 3; c++) {
                    want[c * n + p] = rgb[3 * p + c];
                }
            }
            byte[] got = new byte[3 * n];
            RasterPixels.rgbToPlanes(rgb, n, got);
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, n + " pixels");
        }
    }

    @Test
    void sixteenBitSamplesRoundToEightBits() throws Exception {
        int[] v = new int[256 * 256];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        byte[] png = ImageEncoding.png(ImageEncoding.sixteenBit(v, 1, 256, 256));
        DecodedImage img = new ImageDecoder(new DecodeOptions(1, 0)).decode(png, "16");
        for (int i = 0; i < v.length; i++) {
            assertEquals(Math.round(i * 255.0 / 65535.0), img.pixels()[i] & 0xff, "sample " + i);
        }
        assertEquals(0, img.pixels()[0]);
        assertEquals(255, img.pixels()[v.length - 1] & 0xff);
    }

    /** The fixed-point luma is within rounding (plus the 16-bit weights' 0.003) of 0.299 R + 0.587 G + 0.114 B and exact on greys. */
    @Test
    void lumaIsBt601() {
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            int red = r.nextInt(256);
            int green = r.nextInt(256);
            int blue = r.nextInt(256);
            double exact = 0.299 * red + 0.587 * green + 0.114 * blue;
            assertTrue(Math.abs(RasterPixels.luma(red, green, blue) - exact) <= 0.505, red + "," + green + "," + blue);
        }
        for (int g = 0; g < 256; g++) {
            assertEquals(g, RasterPixels.luma(g, g, g));
        }
    }

    /** A sub-image shares its parent's array at an offset; the planes must come from the right place. */
    @Test
    void subImagesReadTheirOwnPixels() {
        int h = 20;
        int w = 30;
        byte[] chw = new byte[3 * h * w];
        new Random(5).nextBytes(chw);
        BufferedImage whole = ImageEncoding.rgb(chw, h, w);
        DecodedImage part = RasterPixels.toChw(whole.getSubimage(7, 3, 11, 13), 3);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 13; y++) {
                for (int x = 0; x < 11; x++) {
                    assertEquals(chw[(c * h + y + 3) * w + x + 7] & 0xff, part.at(c, y, x));
                }
            }
        }
    }

    /** Packed-int images take the getRGB path and give the same planes. */
    @Test
    void packedRgbGoesThroughSrgb() {
        int h = 9;
        int w = 14;
        byte[] chw = new byte[3 * h * w];
        new Random(6).nextBytes(chw);
        BufferedImage packed = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        packed.createGraphics().drawImage(ImageEncoding.rgb(chw, h, w), 0, 0, null);
        assertArrayEquals(chw, RasterPixels.toChw(packed, 3).pixels());
    }

    /** Formats other than JPEG and PNG go to whichever ImageIO reader claims them: a GIF, a BMP. */
    @Test
    void otherImageIoFormatsDecode() throws Exception {
        int h = 16;
        int w = 24;
        byte[] grey = new byte[h * w];
        new Random(8).nextBytes(grey);
        for (String format : new String[] {"gif", "bmp"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(ImageEncoding.gray(grey, h, w), format, out), format);
            DecodedImage img = new ImageDecoder(new DecodeOptions(1, 0)).decode(out.toByteArray(), format);
            assertArrayEquals(grey, img.pixels(), format);
        }
    }
}
