package io.sparkconv.prep.decode;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

/**
 * Decodes JPEG and PNG bytes (and whatever else ImageIO reads) into CHW uint8 pixels: the colour
 * model is flattened to 1 or 3 channels, the EXIF orientation of a JPEG is applied, then the image
 * is scaled so its shorter side is S and center-cropped to S x S (see {@link DecodeOptions}).
 *
 * <p>Grey and YCbCr JPEGs go through the JDK reader, CMYK and YCCK ones (and any the JDK refuses)
 * through TwelveMonkeys; PNG through the JDK reader (grey, RGB, alpha, palette, 16 bit). Alpha is dropped, as PIL's {@code convert("RGB")} and
 * torchvision do, so an RGBA image gives the same colours as its RGB twin. Colours are taken as
 * stored, without applying an embedded ICC profile of an RGB or grey image (as PIL does).
 *
 * <p>Thread-safe: the mutable state (ImageIO readers) is per thread and kept across calls.
 */
public final class ImageDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Larger images are rejected instead of decoded: 64 Mpixel is 192 MiB as RGB, about what one
     * executor thread can afford next to its neighbours; photos and scans of datasets stay far below.
     */
    static final long MAX_PIXELS = 64L << 20;

    /**
     * The kept decode target is for images up to 4 Mpixel (12 MB): a thread holds it between
     * images, and for larger ones a new image costs little next to decoding them.
     */
    static final long KEPT_IMAGE_MAX_PIXELS = 4L << 20;

    private final DecodeOptions options;

    public ImageDecoder(DecodeOptions options) {
        this.options = options;
    }

    public DecodeOptions options() {
        return options;
    }

    /**
     * @param bytes the whole file
     * @param key   the source path, only used in messages
     */
    public DecodedImage decode(byte[] bytes, String key) throws ImageRejectedException {
        if (bytes.length == 0) {
            throw new ImageRejectedException("empty file");
        }
        SourceFormat format = SourceFormat.sniff(bytes);
        if (format == SourceFormat.PNG && Truncation.pngCut(bytes)) {
            throw new ImageRejectedException("truncated image");
        }
        JpegSegments jpeg = format == SourceFormat.JPEG ? JpegSegments.scan(bytes) : null;
        BufferedImage image = read(bytes, format, jpeg);
        DecodedImage planes;
        try {
            planes = RasterPixels.toChw(image, options.channels());
        } catch (RuntimeException e) {
            throw new ImageRejectedException("decode failed: " + describe(e), e);
        }
        if (jpeg != null) {
            planes = ExifOrientation.apply(planes, jpeg.orientation());
        }
        return resize(planes);
    }

    /**
     * Pixels that are already decoded (IDX, CIFAR) brought to the options' channels and size, the
     * same conversions a decoded file gets.
     */
    public DecodedImage convert(DecodedImage image) {
        return resize(RasterPixels.toChannels(image, options.channels()));
    }

    private DecodedImage resize(DecodedImage planes) {
        int size = options.size();
        boolean asIs = size == 0 || (planes.height() == size && planes.width() == size);
        return asIs ? planes : AreaResize.shorterSideThenCenterCrop(planes, size);
    }

    /**
     * Grey and YCbCr JPEGs go to the JDK reader first (half the cost per small image); 4-component
     * ones (CMYK, YCCK), and any the JDK reader fails on, to TwelveMonkeys.
     */
    private static BufferedImage read(byte[] bytes, SourceFormat format, JpegSegments jpeg) throws ImageRejectedException {
        ThreadReaders readers = ThreadReaders.current();
        switch (format) {
            case JPEG:
                if (jpeg.components() == 1 || jpeg.components() == 3) {
                    try {
                        // the reader's own choice of image for plain YCbCr or RGB, kept across
                        // images; with an ICC profile the reader picks another colour space
                        boolean reuse = jpeg.components() == 3 && !jpeg.icc();
                        return read(readers, readers.jdkJpeg(), bytes, format, reuse);
                    } catch (ImageRejectedException e) {
                        if (!e.reason().startsWith("decode failed")) {
                            throw e;
                        }
                    }
                }
                return read(readers, readers.twelveMonkeysJpeg(), bytes, format, false);
            case PNG:
                return read(readers, readers.png(), bytes, format, false);
            default:
                ImageReader reader = readers.newReaderFor(new ByteArrayImageInputStream(bytes));
                if (reader == null) {
                    throw new ImageRejectedException(SourceFormat.isCutSignature(bytes) ? "truncated image" : "not an image");
                }
                return read(readers, reader, bytes, format, false);
        }
    }

    /**
     * @param reuseRgb decode into the thread's kept sRGB image of this size ({@link ThreadReaders#rgbImage})
     *     instead of a new one: the caller copies the pixels out before the next decode, and the
     *     reader writes every pixel
     */
    private static BufferedImage read(ThreadReaders readers, ImageReader reader, byte[] bytes, SourceFormat format,
                                      boolean reuseRgb) throws ImageRejectedException {
        readers.clearWarnings();
        boolean failed = true;
        try {
            reader.setInput(readers.input(bytes), true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width * height > MAX_PIXELS) {
                failed = false;
                throw new ImageRejectedException("unsupported image: " + width + "x" + height
                        + " is more than " + (MAX_PIXELS >> 20) + " Mpixel");
            }
            ImageReadParam param = null;
            if (reuseRgb && width * height <= KEPT_IMAGE_MAX_PIXELS) {
                param = readers.param(reader);
                param.setDestination(readers.rgbImage((int) width, (int) height));
            }
            BufferedImage image = reader.read(0, param);
            failed = false;
            if (Truncation.warned(readers.warnings())) {
                throw new ImageRejectedException("truncated image");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (Truncation.thrown(e) || Truncation.warned(readers.warnings())
                    || (format == SourceFormat.JPEG && Truncation.lacksEoi(bytes)) || SourceFormat.isCutSignature(bytes)) {
                throw new ImageRejectedException("truncated image", e);
            }
            throw new ImageRejectedException("decode failed: " + describe(e), e);
        } finally {
            if (failed || format == SourceFormat.OTHER) {
                readers.discard(reader);
                readers.discardInput();
            } else {
                reader.setInput(null);
            }
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += " (" + root.getMessage() + ")";
        }
        return m;
    }
}
