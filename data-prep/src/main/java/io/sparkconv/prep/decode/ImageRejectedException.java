package io.sparkconv.prep.decode;

/**
 * An input that is not a usable image. The reason is short and stable, because the preparation
 * job counts and lists rejects by it: "empty file", "truncated image", "not an image",
 * "unsupported image: ..." or "decode failed: ...".
 */
public final class ImageRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageRejectedException(String reason) {
        super(reason);
    }

    public ImageRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public String reason() {
        return getMessage();
    }
}
