package io.sparkconv.prep.decode;

/**
 * A decoded image as uint8 pixels in CHW order: all of channel 0 (R, or luma), then channel 1, ...
 */
public record DecodedImage(int channels, int height, int width, byte[] pixels) {
    public DecodedImage {
        if ((long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes for " + channels + "x" + height + "x" + width);
        }
    }

    /** The pixel at (channel, row, column) as 0..255. */
    public int at(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xff;
    }
}
