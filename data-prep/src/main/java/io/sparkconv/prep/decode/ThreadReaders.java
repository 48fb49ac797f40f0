package io.sparkconv.prep.decode;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
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
