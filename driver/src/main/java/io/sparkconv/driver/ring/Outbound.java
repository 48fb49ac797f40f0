package io.sparkconv.driver.ring;

import java.io.IOException;

/**
 * This worker's side of the hop to the next worker: hands a range of its vector over, piece by
 * piece, without ever blocking, so one thread can drive both directions of the ring.
 */
interface Outbound extends AutoCloseable {
    /** Starts sending data[from, end); the previous range must be {@link #done}. */
    void begin(float[] data, int from, int end);

    /** Moves at most one piece towards the next worker; true if anything moved. */
    boolean pump() throws IOException;

    /** Everything of the current range has been handed to the transport. */
    boolean done();

    /** Floats of the current range handed over so far. */
    int sent();

    /** Fails if the next worker has gone away (cheap; called while idle). */
    void checkPeer() throws IOException;

    @Override
    void close() throws IOException;
}
