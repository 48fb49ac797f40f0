package io.sparkconv.prep.decode;

/**
 * The EXIF orientation of a JPEG (TIFF tag 0x0112 in IFD0 of the APP1 "Exif" segment) and the
 * rotation/flip that shows the image upright. Cameras store the sensor's pixels and only set this
 * tag; ImageIO ignores it. Values: 1 upright, 2 mirrored left-right, 3 turned 180, 4 mirrored
 * top-bottom, 5 transposed, 6 turned 90 clockwise, 7 transversed, 8 turned 90 counter-clockwise
 * (each says what to do to the stored image to display it).
 *
 * <p>A small parser rather than a metadata library (it reads one IFD entry, found while
 * {@link JpegSegments} walks the headers anyway). Anything malformed means upright, as in browsers.
 */
final class ExifOrientation {
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {}

    /** The orientation 1..8 of a JPEG file, 1 when absent or unreadable. */
    static int read(byte[] jpeg) {
        return JpegSegments.scan(jpeg).orientation();
    }

    /** The orientation in an APP1 segment whose body is b[body, end), 0 when it holds none. */
    static int fromApp1(byte[] b, int body, int end) {
        return end - body >= 6 && isExifHeader(b, body) ? fromTiff(b, body + 6, end) : 0;
    }

    private static boolean isExifHeader(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0 && b[at + 5] == 0;
    }

    /** Looks for the tag in IFD0 of the TIFF structure in b[tiff, end); 0 when not there. */
    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 0;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 0;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > end) {
            return 0;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 0;
            }
            if (u16(b, e, little) == ORIENTATION_TAG) {
                int type = u16(b, e + 2, little);
                int value = type == 3 ? u16(b, e + 8, little) : type == 4 ? (int) u32(b, e + 8, little) : 0;
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xff;
        int y = b[at + 1] & 0xff;
        return little ? x | y << 8 : x << 8 | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, at, little);
        long lo = u16(b, at + 2, little);
        return little ? lo << 16 | hi : hi << 16 | lo;
    }

    /** The image as it should be displayed, given its orientation 1..8. */
    static DecodedImage apply(DecodedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int h = image.height();
        int w = image.width();
        boolean swap = orientation >= 5;
        int outH = swap ? w : h;
        int outW = swap ? h : w;
        // the stored pixel shown at (row y', column x') is at stored index base + y' * dy + x' * dx
        int base;
        int dy;
        int dx;
        switch (orientation) {
            case 2 -> { base = w - 1;             dy = w;  dx = -1; }        // (W-1-x', y')
            case 3 -> { base = h * w - 1;         dy = -w; dx = -1; }        // (W-1-x', H-1-y')
            case 4 -> { base = (h - 1) * w;       dy = -w; dx = 1; }         // (x', H-1-y')
            case 5 -> { base = 0;                 dy = 1;  dx = w; }         // (y', x')
            case 6 -> { base = (h - 1) * w;       dy = 1;  dx = -w; }        // (y', H-1-x')
            case 7 -> { base = h * w - 1;         dy = -1; dx = -w; }        // (W-1-y', H-1-x')
            default -> { base = w - 1;            dy = -1; dx = w; }         // 8: (W-1-y', x')
        }
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        int plane = h * w;
        for (int c = 0; c < image.channels(); c++) {
            int o = c * plane;
            for (int y = 0; y < outH; y++) {
                int s = c * plane + base + y * dy;
                for (int x = 0; x < outW; x++, s += dx) {
                    out[o++] = in[s];
                }
            }
        }
        return new DecodedImage(image.channels(), outH, outW, out);
    }
}
