package io.sparkconv.kernels.spec;

/** A net or training spec that cannot be used; the message names the file, layer or field. */
public final class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
