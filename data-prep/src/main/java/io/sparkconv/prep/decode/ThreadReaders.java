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
 * TwelveMonkeys also its JDK delegate) costs about as much as decoding a small JPEG. Each reader
 * reports its warnings here, because a JDK JPEG decode of a cut-off file only warns.
 */
final class ThreadReaders {
    private static final ThreadLocal<ThreadReaders> CURRENT = ThreadLocal.withInitial(ThreadReaders::new);

    private final List<String> warnings = new ArrayList<>();
    private final IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    private ImageReader jpeg;
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

    /** This thread's reader for JPEG or PNG; null for OTHER (see {@link #newReaderFor}). */
    ImageReader reader(SourceFormat format) {
        switch (format) {
            case JPEG:
                if (jpeg == null) {
                    jpeg = listen(jpegReader());
                }
                return jpeg;
            case PNG:
                if (png == null) {
                    png = listen(firstReader(ImageIO.getImageReadersByFormatName("png")));
                }
                return png;
            default:
                return null;
        }
    }

    /** A fresh reader for an unusual format, or null when no ImageIO reader claims the input; dispose it after use. */
    ImageReader newReaderFor(Object input) {
        Iterator<ImageReader> it = ImageIO.getImageReaders(input);
        return it.hasNext() ? listen(it.next()) : null;
    }

    /** Drops a reader after a failed read, since not every reader is reusable after an exception. */
    void discard(ImageReader reader) {
        if (reader == jpeg) {
            jpeg = null;
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
    private static ImageReader jpegReader() {
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

    private static ImageReader firstReader(Iterator<ImageReader> it) {
        if (!it.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO PNG reader");
        }
        return it.next();
    }

    private ImageReader listen(ImageReader reader) {
        reader.addIIOReadWarningListener(listener);
        return reader;
    }
}
