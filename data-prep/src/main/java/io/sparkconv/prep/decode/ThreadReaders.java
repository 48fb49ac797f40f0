package io.sparkconv.prep.decode;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;

/**
 * The ImageReaders of one thread, kept across images: looking a reader up and building it (for
 * TwelveMonkeys also its JDK delegate) costs several times a 64x64 JPEG decode. Each reader
 * reports its warnings here, because a JDK JPEG decode of a cut-off file only warns.
 */
final class ThreadReaders {
    private static final ThreadLocal<ThreadReaders> CURRENT = ThreadLocal.withInitial(ThreadReaders::new);

    private final List<String> warnings = new ArrayList<>();
    private final IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    private ImageReader jdkJpeg;
    private ImageReader twelveMonkeysJpeg;
    private ImageReader png;
    private ReusableImageInput input;
    private ImageReader paramReader;
    private ImageReadParam param;
    private BufferedImage rgb;
    private static final ColorModel SRGB = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false,
            false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private ThreadReaders() {}

    static ThreadReaders current() {
        return CURRENT.get();
    }

    /** The warnings since the last {@link #clearWarnings()}. */
    List<String> warnings() {
        return warnings;
    }

    void clearWarnings() {
        warnings.clear();
    }

    /** The JDK's JPEG reader: twice as fast as TwelveMonkeys' on plain files, since it skips the segment re-parsing. */
    ImageReader jdkJpeg() {
        if (jdkJpeg == null) {
            jdkJpeg = listen(jdkJpegReader());
        }
        return jdkJpeg;
    }

    /** TwelveMonkeys' JPEG reader: CMYK, YCCK, lossless JPEG, broken ICC profiles and segments. */
    ImageReader twelveMonkeysJpeg() {
        if (twelveMonkeysJpeg == null) {
            twelveMonkeysJpeg = listen(twelveMonkeysJpegReader());
        }
        return twelveMonkeysJpeg;
    }

    ImageReader png() {
        if (png == null) {
            png = listen(firstReader(ImageIO.getImageReadersByFormatName("png"), "PNG"));
        }
        return png;
    }

    /** The thread's input stream, pointed at {@code bytes}. */
    ReusableImageInput input(byte[] bytes) {
        if (input == null) {
            input = new ReusableImageInput();
        }
        return input.reset(bytes);
    }

    /** The reader's default read parameters, kept across images (a destination is set on each use). */
    ImageReadParam param(ImageReader reader) {
        if (reader != paramReader) {
            param = reader.getDefaultReadParam();
            paramReader = reader;
        }
        return param;
    }

    /**
     * An sRGB image of the size with R, G, B bytes in that order, kept for the next image of the
     * same size. The order matters: it is the order of the JPEG reader's decoded scanlines, so the
     * reader copies each line with one arraycopy (into the usual TYPE_3BYTE_BGR it reorders byte
     * by byte, a fifth of a 64 x 64 decode); and a new image per decode is 12 KB to clear for
     * pixels the reader overwrites anyway.
     */
    BufferedImage rgbImage(int width, int height) {
        if (rgb == null || rgb.getWidth() != width || rgb.getHeight() != height) {
            WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 3 * width, 3,
                    new int[] {0, 1, 2}, null);
            rgb = new BufferedImage(SRGB, raster, false, null);
        }
        return rgb;
    }

    /** Drops the input stream after a failed read: a reader may have left marks on it. */
    void discardInput() {
        input = null;
    }

    /** A fresh reader for an unusual format, or null when no ImageIO reader claims the input; dispose it after use. */
    ImageReader newReaderFor(Object input) {
        Iterator<ImageReader> it = ImageIO.getImageReaders(input);
        return it.hasNext() ? listen(it.next()) : null;
    }

    /** Drops a reader after a failed read, since not every reader is reusable after an exception. */
    void discard(ImageReader reader) {
        if (reader == jdkJpeg) {
            jdkJpeg = null;
        } else if (reader == twelveMonkeysJpeg) {
            twelveMonkeysJpeg = null;
        } else if (reader == png) {
            png = null;
        }
        reader.dispose();
    }

    /**
     * TwelveMonkeys' JPEG reader, taken from the registry by its class rather than by format name:
     * in a Spark executor the ImageIO registry may have been filled by a class loader that cannot
     * see the application jar, and a lookup by name would then silently give the JDK reader, which
     * rejects CMYK and YCCK. Registering the provider here (idempotent) also lets it find the JDK
     * reader it delegates to.
     */
    private static ImageReader twelveMonkeysJpegReader() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        JPEGImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        if (spi == null) {
            registry.registerServiceProvider(new JPEGImageReaderSpi());
            spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        }
        try {
            return spi.createReaderInstance(null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the TwelveMonkeys JPEG reader", e);
        }
    }

    private static ImageReader jdkJpegReader() {
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext();) {
            ImageReader r = it.next();
            if (!(r.getOriginatingProvider() instanceof JPEGImageReaderSpi)) {
                return r;
            }
        }
        throw new IllegalStateException("this JVM has no JDK ImageIO JPEG reader");
    }

    private static ImageReader firstReader(Iterator<ImageReader> it, String format) {
        if (!it.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO " + format + " reader");
        }
        return it.next();
    }

    private ImageReader listen(ImageReader reader) {
        reader.addIIOReadWarningListener(listener);
        return reader;
    }
}
