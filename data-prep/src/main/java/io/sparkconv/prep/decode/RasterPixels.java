package io.sparkconv.prep.decode;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A decoded BufferedImage as CHW uint8 planes with 1 or 3 channels, read from the raster's own
 * arrays: no per-pixel getRGB, and no colour-space conversion (which for the JDK's linear grey
 * space would even change the values of a plain grey PNG).
 *
 * <p>Grey to RGB replicates; RGB to grey is luma with the ITU-R BT.601 weights
 * 0.299 R + 0.587 G + 0.114 B, in 16-bit fixed point and rounded (the same integers as PIL's
 * {@code convert("L")}). 16-bit samples become round(v * 255 / 65535), so 257 k maps to k exactly.
 * Alpha is dropped.
 */
final class RasterPixels {
    private RasterPixels() {}

    static DecodedImage toChw(BufferedImage image, int channels) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        DecodedImage source;
        if (cm instanceof IndexColorModel icm) {
            source = palette(icm, raster);
        } else if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()
                && (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY || cm.getColorSpace().getType() == ColorSpace.TYPE_RGB)
                && raster.getSampleModel() instanceof ComponentSampleModel) {
            source = components(cm, raster);
        } else {
            source = viaSrgb(image);
        }
        return toChannels(source, channels);
    }

    /** Grey or RGB samples (alpha, the last band, is left out), 8 or 16 bits or other depths. */
    private static DecodedImage components(ColorModel cm, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int c = cm.getNumColorComponents();
        byte[] out = new byte[c * h * w];
        ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        int pixelStride = sm.getPixelStride();
        int scanline = sm.getScanlineStride();
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        if (c == 3 && pixelStride == 3 && scanline == 3 * w && db instanceof DataBufferByte bytes
                && bytes.getNumBanks() == 1 && db.getOffset() == 0 && raster.getMinX() == tx && raster.getMinY() == ty
                && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {0, 1, 2})
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8) {
            rgbToPlanes(bytes.getData(), h * w, out);
            return new DecodedImage(c, h, w, out);
        }
        for (int b = 0; b < c; b++) {
            int bits = cm.getComponentSize(b);
            int bank = sm.getBankIndices()[b];
            // the array position of (minX, minY) in band b
            int origin = db.getOffsets()[bank] + sm.getBandOffsets()[b]
                    + (raster.getMinY() - ty) * scanline + (raster.getMinX() - tx) * pixelStride;
            int plane = b * h * w;
            if (db instanceof DataBufferByte bytes && bits == 8) {
                byte[] data = bytes.getData(bank);
                for (int y = 0; y < h; y++) {
                    int src = origin + y * scanline;
                    int dst = plane + y * w;
                    if (pixelStride == 1) {
                        System.arraycopy(data, src, out, dst, w);
                    } else {
                        for (int x = 0; x < w; x++, src += pixelStride) {
                            out[dst + x] = data[src];
                        }
                    }
                }
            } else if (db instanceof DataBufferUShort shorts && bits == 16) {
                short[] data = shorts.getData(bank);
                for (int y = 0; y < h; y++) {
                    int src = origin + y * scanline;
                    int dst = plane + y * w;
                    for (int x = 0; x < w; x++, src += pixelStride) {
                        out[dst + x] = (byte) (((data[src] & 0xffff) * 255 + 32767) / 65535);
                    }
                }
            } else {
                int max = (1 << bits) - 1;
                int[] row = new int[w];
                for (int y = 0; y < h; y++) {
                    raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, b, row);
                    for (int x = 0; x < w; x++) {
                        out[plane + y * w + x] = (byte) (((long) row[x] * 255 + max / 2) / max);
                    }
                }
            }
        }
        return new DecodedImage(c, h, w, out);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * R, G, B bytes of n pixels, packed, into three planes: eight pixels at a time as three longs in
     * and three out (the JPEG reader's layout in {@link ThreadReaders#rgbImage}); 25% faster than
     * three strided passes, a few percent of a 64 x 64 decode.
     */
    static void rgbToPlanes(byte[] rgb, int n, byte[] out) {
        int p = 0;
        for (; p + 8 <= n; p += 8) {
            // a: r0 g0 b0 r1 g1 b1 r2 g2 | b: b2 r3 g3 b3 r4 g4 b4 r5 | c: g5 b5 r6 g6 b6 r7 g7 b7
            long a = (long) LONGS.get(rgb, 3 * p);
            long b = (long) LONGS.get(rgb, 3 * p + 8);
            long c = (long) LONGS.get(rgb, 3 * p + 16);
            long r = (a & 0xffL) | ((a >>> 16) & 0xff00L) | ((a >>> 32) & 0xff0000L) | ((b << 16) & 0xff000000L)
                    | (b & 0xff00000000L) | ((b >>> 16) & 0xff0000000000L) | ((c << 32) & 0xff000000000000L)
                    | ((c << 16) & 0xff00000000000000L);
            long g = ((a >>> 8) & 0xffL) | ((a >>> 24) & 0xff00L) | ((a >>> 40) & 0xff0000L) | ((b << 8) & 0xff000000L)
                    | ((b >>> 8) & 0xff00000000L) | ((c << 40) & 0xff0000000000L) | ((c << 24) & 0xff000000000000L)
                    | ((c << 8) & 0xff00000000000000L);
            long bl = ((a >>> 16) & 0xffL) | ((a >>> 32) & 0xff00L) | ((b << 16) & 0xff0000L) | (b & 0xff000000L)
                    | ((b >>> 16) & 0xff00000000L) | ((c << 32) & 0xff0000000000L) | ((c << 16) & 0xff000000000000L)
                    | (c & 0xff00000000000000L);
            LONGS.set(out, p, r);
            LONGS.set(out, n + p, g);
            LONGS.set(out, 2 * n + p, bl);
        }
        for (; p < n; p++) {
            out[p] = rgb[3 * p];
            out[n + p] = rgb[3 * p + 1];
            out[2 * n + p] = rgb[3 * p + 2];
        }
    }

    /** Palette images (PNG colour type 3, and grey PNGs under 8 bits): look each index up. */
    private static DecodedImage palette(IndexColorModel icm, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = icm.getMapSize();
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        byte[] out = new byte[3 * h * w];
        int plane = h * w;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x];
                int p = y * w + x;
                out[p] = r[i];
                out[plane + p] = g[i];
                out[2 * plane + p] = b[i];
            }
        }
        return new DecodedImage(3, h, w, out);
    }

    /** Anything else (CMYK left unconverted, premultiplied alpha, packed RGB ints): ask Java2D for sRGB a row at a time. */
    private static DecodedImage viaSrgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[3 * h * w];
        int plane = h * w;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int p = y * w + x;
                out[p] = (byte) (argb >> 16);
                out[plane + p] = (byte) (argb >> 8);
                out[2 * plane + p] = (byte) argb;
            }
        }
        return new DecodedImage(3, h, w, out);
    }

    static DecodedImage toChannels(DecodedImage image, int channels) {
        if (image.channels() == channels) {
            return image;
        }
        int plane = image.height() * image.width();
        byte[] in = image.pixels();
        byte[] out = new byte[channels * plane];
        if (channels == 3) {
            System.arraycopy(in, 0, out, 0, plane);
            System.arraycopy(in, 0, out, plane, plane);
            System.arraycopy(in, 0, out, 2 * plane, plane);
        } else {
            for (int p = 0; p < plane; p++) {
                out[p] = (byte) luma(in[p] & 0xff, in[plane + p] & 0xff, in[2 * plane + p] & 0xff);
            }
        }
        return new DecodedImage(channels, image.height(), image.width(), out);
    }

    /** ITU-R BT.601 luma, weights scaled by 2^16 (19595 + 38470 + 7471 = 65536), rounded. */
    static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    }
}
