package io.sparkconv.prep.decode;

/**
 * What the decoder needs from a JPEG's header segments, found by walking the marker segments up
 * to the first scan: the number of colour components in the frame (SOF), the EXIF orientation and
 * whether an ICC profile is embedded.
 * It reads only the segment headers, so it costs nothing next to the decode.
 *
 * @param components  Nf of the first SOF segment, 0 when there is none before the scan
 * @param orientation the EXIF orientation 1..8, 1 when absent or malformed
 * @param icc         true when an APP2 ICC_PROFILE segment is present
 */
record JpegSegments(int components, int orientation, boolean icc) {
    private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static JpegSegments scan(byte[] jpeg) {
        int components = 0;
        int orientation = 0;
        boolean icc = false;
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.length) {
            if ((jpeg[pos] & 0xff) != 0xFF) {
                break;
            }
            int marker = jpeg[pos + 1] & 0xff;
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image: no more headers
                break;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // markers without a length
                pos += 2;
                continue;
            }
            int length = (jpeg[pos + 2] & 0xff) << 8 | (jpeg[pos + 3] & 0xff);
            int body = pos + 4;
            int end = pos + 2 + length;
            if (isFrame(marker) && components == 0 && body + 6 <= jpeg.length) {
                components = jpeg[body + 5] & 0xff;
            } else if (marker == 0xE1 && orientation == 0 && length >= 8 && end <= jpeg.length) {
                orientation = ExifOrientation.fromApp1(jpeg, body, end);
            } else if (marker == 0xE2 && end <= jpeg.length && startsWith(jpeg, body, end, ICC_PROFILE)) {
                icc = true;
            }
            pos = end;
        }
        return new JpegSegments(components, orientation == 0 ? 1 : orientation, icc);
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
