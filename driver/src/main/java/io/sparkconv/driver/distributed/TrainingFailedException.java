package io.sparkconv.driver.distributed;

/** A distributed run that failed in every attempt it was allowed; the message names the last failure. */
public final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
