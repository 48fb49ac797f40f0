package io.sparkconv.prep.decode;

import java.io.EOFException;
import java.util.List;
import java.util.Locale;

/**
 * Telling a cut-off file from a corrupt one. The JDK JPEG decoder (also under TwelveMonkeys) does
 * not fail on a cut-off file: it warns "Premature end of ..." / "Missing EOI marker" and pads the
 * missing rows with grey, so the warnings count as much as exceptions. A PNG is checked by walking
 * its chunks, which costs a few reads.
 */
final class Truncation {
    private static final int IEND = 0x49454E44;

    private Truncation() {}

    /** True when a warning of the reader says the data ended early. */
    static boolean warned(List<String> warnings) {
        for (String w : warnings) {
            if (soundsCut(w)) {
                return true;
            }
        }
        return false;
    }

    /** True when the failure (or one of its causes) is an early end of the data. */
    static boolean thrown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || soundsCut(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** True when a JPEG's last bytes are not the EOI marker (FF D9); some complete files carry trailing bytes, so only a hint. */
    static boolean lacksEoi(byte[] jpeg) {
        int n = jpeg.length;
        return n < 2 || (jpeg[n - 2] & 0xff) != 0xFF || (jpeg[n - 1] & 0xff) != 0xD9;
    }

    /** True when the PNG's chunk chain runs past the end of the file before its IEND chunk. */
    static boolean pngCut(byte[] png) {
        long pos = 8; // after the signature
        while (pos + 8 <= png.length) {
            long length = u32(png, (int) pos);
            int type = (int) u32(png, (int) pos + 4);
            long next = pos + 12 + length; // length, type, data, CRC
            if (next > png.length) {
                return true;
            }
            if (type == IEND) {
                return false;
            }
            pos = next;
        }
        return true;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean soundsCut(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("unexpected end") || m.contains("truncated")
                || m.contains("missing eoi") || m.matches(".*\\beof\\b.*");
    }
}
