package io.sparkconv.testing;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.awt.color.ColorSpace;
import java.awt.Transparency;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Writes test images with ImageIO from CHW uint8 planes, in the colour models real files use, and
 * splices JPEG marker segments (EXIF orientation, Adobe APP14) into the written bytes, since the
 * JDK writer offers no simple way to add them.
 */
public final class ImageEncoding {
    private ImageEncoding() {}

    /** A TYPE_BYTE_GRAY image of one plane. */
    public static BufferedImage gray(byte[] plane, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, plane);
        return img;
    }

    /** A TYPE_3BYTE_BGR image of 3 planes (R, G, B). */
    public static BufferedImage rgb(byte[] chw, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        setBands(img.getRaster(), chw, h, w, 3);
        return img;
    }

    /** A TYPE_4BYTE_ABGR (not premultiplied) image of 3 colour planes and an alpha plane. */
    public static BufferedImage rgba(byte[] chw, byte[] alpha, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
        setBands(img.getRaster(), chw, h, w, 3);
        int[] a = new int[h * w];
        for (int i = 0; i < a.length; i++) {
            a[i] = alpha[i] & 0xff;
        }
        img.getRaster().setSamples(0, 0, w, h, 3, a);
        return img;
    }

    /** A TYPE_BYTE_INDEXED image: indices into a 256-entry palette given as 3 planes of 256. */
    public static BufferedImage indexed(byte[] indices, byte[] paletteR, byte[] paletteG, byte[] paletteB, int h, int w) {
        IndexColorModel cm = new IndexColorModel(8, 256, paletteR, paletteG, paletteB);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        img.getRaster().setDataElements(0, 0, w, h, indices);
        return img;
    }

    /** A 16-bit grey (1 band) or RGB (3 bands) image from samples 0..65535 in CHW order. */
    public static BufferedImage sixteenBit(int[] chw, int bands, int h, int w) {
        ColorSpace cs = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int b = 0; b < bands; b++) {
            raster.setSamples(0, 0, w, h, b, java.util.Arrays.copyOfRange(chw, b * h * w, (b + 1) * h * w));
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static void setBands(WritableRaster raster, byte[] chw, int h, int w, int bands) {
        int[] s = new int[h * w];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < s.length; i++) {
                s[i] = chw[b * h * w + i] & 0xff;
            }
            raster.setSamples(0, 0, w, h, b, s);
        }
    }

    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A baseline (or progressive) JPEG of an image, or of a bare raster (written as its bands, no
     * colour transform). Colour images get the writer's default 4:2:0 chroma subsampling unless
     * {@code fullChroma} asks for 4:4:4.
     */
    public static byte[] jpeg(BufferedImage img, Raster raster, float quality, boolean progressive, boolean fullChroma) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            if (progressive) {
                p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata meta = null;
            if (fullChroma && img != null) {
                meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), p);
                String format = "javax_imageio_jpeg_image_1.0";
                IIOMetadataNode tree = (IIOMetadataNode) meta.getAsTree(format);
                NodeList specs = tree.getElementsByTagName("componentSpec");
                for (int i = 0; i < specs.getLength(); i++) {
                    IIOMetadataNode spec = (IIOMetadataNode) specs.item(i);
                    spec.setAttribute("HsamplingFactor", "1");
                    spec.setAttribute("VsamplingFactor", "1");
                }
                meta.setFromTree(format, tree);
            }
            writer.write(null, img != null ? new IIOImage(img, null, meta) : new IIOImage(raster, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage img, float quality) {
        return jpeg(img, null, quality, false, false);
    }

    /**
     * A CMYK JPEG as Photoshop writes it: inverted C, M, Y, K bands and an Adobe APP14 segment with
     * transform 0; with {@code ycck}, APP14 says transform 2 (YCCK). CMYK is the naive one from
     * RGB: K = 255 - max(R, G, B), C = (255 - R - K) / (255 - K) * 255, ... For YCCK the plain
     * C, M, Y go through the RGB-to-YCbCr transform and K stays inverted, as libjpeg expects.
     */
    public static byte[] cmykJpeg(byte[] rgbChw, int h, int w, float quality, boolean ycck) {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        int plane = h * w;
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int red = rgbChw[i] & 0xff;
                int green = rgbChw[plane + i] & 0xff;
                int blue = rgbChw[2 * plane + i] & 0xff;
                int k = 255 - Math.max(red, Math.max(green, blue));
                double d = 255 - k;
                // inverted ink = 255 - ink
                double ci = k == 255 ? 255 : 255 - (255 - red - k) * 255 / d;
                double mi = k == 255 ? 255 : 255 - (255 - green - k) * 255 / d;
                double yi = k == 255 ? 255 : 255 - (255 - blue - k) * 255 / d;
                if (ycck) {
                    // libjpeg decodes YCCK as C = 255 - R(Y, Cb, Cr): the YCbCr holds the plain inks
                    double c = 255 - ci;
                    double m = 255 - mi;
                    double ye = 255 - yi;
                    double luma = 0.299 * c + 0.587 * m + 0.114 * ye;
                    double cb = 128 - 0.168736 * c - 0.331264 * m + 0.5 * ye;
                    double cr = 128 + 0.5 * c - 0.418688 * m - 0.081312 * ye;
                    ci = luma;
                    mi = cb;
                    yi = cr;
                }
                px[0] = clamp(ci);
                px[1] = clamp(mi);
                px[2] = clamp(yi);
                px[3] = 255 - k;
                r.setPixel(x, y, px);
            }
        }
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) (ycck ? 2 : 0)};
        return insertAfterSoi(jpeg(null, r, quality, false, false), app14);
    }

    /**
     * The JPEG with an APP1 Exif segment right after SOI (where cameras put it) whose IFD0 holds
     * only the orientation tag (big-endian TIFF, as many cameras write it; {@code littleEndian} for
     * the other kind).
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        byte[] tiff = new byte[8 + 2 + 12 + 4];
        put16(tiff, 0, littleEndian ? 0x4949 : 0x4D4D, false);
        put16(tiff, 2, 42, littleEndian);
        put32(tiff, 4, 8, littleEndian);
        put16(tiff, 8, 1, littleEndian); // one entry
        put16(tiff, 10, 0x0112, littleEndian); // Orientation
        put16(tiff, 12, 3, littleEndian); // SHORT
        put32(tiff, 14, 1, littleEndian); // count
        put16(tiff, 18, orientation, littleEndian); // value, left-justified in the 4 bytes
        // next IFD offset 0 (last 4 bytes)
        byte[] segment = new byte[4 + 6 + tiff.length];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xE1;
        put16(segment, 2, segment.length - 2, false);
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, segment, 4, 6);
        System.arraycopy(tiff, 0, segment, 10, tiff.length);
        return insertAfterSoi(jpeg, segment);
    }

    public static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static void put16(byte[] b, int at, int v, boolean little) {
        b[at + (little ? 0 : 1)] = (byte) v;
        b[at + (little ? 1 : 0)] = (byte) (v >> 8);
    }

    private static void put32(byte[] b, int at, int v, boolean little) {
        put16(b, at + (little ? 0 : 2), v & 0xffff, little);
        put16(b, at + (little ? 2 : 0), v >>> 16, little);
    }
}
