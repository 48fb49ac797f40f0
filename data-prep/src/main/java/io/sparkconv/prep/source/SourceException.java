package io.sparkconv.prep.source;

import java.io.IOException;

/** An input that cannot be prepared as given (no images, an empty class folder, a malformed file); names the path. */
public final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }
}
