package io.sparkconv.prep.idx;

import java.io.IOException;

/** An IDX file that is not what its header promises; the message names the file. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }
}
