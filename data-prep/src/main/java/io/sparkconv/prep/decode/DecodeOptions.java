package io.sparkconv.prep.decode;

import java.io.Serializable;

/**
 * What a decoded image is turned into.
 *
 * @param channels 1 (luma, ITU-R BT.601 weights) or 3 (RGB; grey sources are replicated)
 * @param size     0 keeps the decoded size; S &gt; 0 scales the shorter side to S and center-crops S x S
 */
public record DecodeOptions(int channels, int size) implements Serializable {
    public DecodeOptions {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be 0 (keep) or positive, got " + size);
        }
    }
}
