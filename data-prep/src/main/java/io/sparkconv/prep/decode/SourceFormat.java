package io.sparkconv.prep.decode;

/**
 * The container format, told by the first bytes (never by the file name: a text file named .jpg is
 * common in scraped image sets).
 */
enum SourceFormat {
    JPEG(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
    /** Anything else: left to whichever ImageIO reader claims it (GIF, BMP, ...), or none. */
    OTHER(new byte[0]);

    private final byte[] signature;

    SourceFormat(byte[] signature) {
        this.signature = signature;
    }

    static SourceFormat sniff(byte[] bytes) {
        for (SourceFormat f : new SourceFormat[] {JPEG, PNG}) {
            if (startsWith(bytes, f.signature, f.signature.length)) {
                return f;
            }
        }
        return OTHER;
    }

    /** True when the bytes are a proper prefix of a known signature: a file cut off in its first bytes. */
    static boolean isCutSignature(byte[] bytes) {
        for (SourceFormat f : new SourceFormat[] {JPEG, PNG}) {
            if (bytes.length < f.signature.length && startsWith(bytes, f.signature, bytes.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix, int n) {
        if (bytes.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
