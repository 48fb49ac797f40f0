package io.sparkconv.driver.ring;

import java.io.IOException;

/**
 * This worker's side of the hop from the previous worker: takes a range of the vector in, piece by
 * piece, adding each piece to what is there (reduce-scatter) or replacing it (all-gather), without
 * ever blocking.
 */
interface Inbound extends AutoCloseable {
    /** Starts receiving data[from, end); the previous range must be {@link #done}. */
    void begin(float[] data, int from, int end, boolean add);

    /** Takes in at most one piece; true if anything moved. */
    boolean pump() throws IOException;

    /** The whole current range has arrived and been added or stored. */
    boolean done();

    /** Floats of the current range taken in so far. */
    int received();

    /** Fails if the previous worker has gone away (cheap; called while idle). */
    void checkPeer() throws IOException;

    @Override
    void close() throws IOException;
}
