package io.sparkconv.kernels.train;

import java.io.IOException;

/**
 * Sums over the replicas of a run, in place: after {@code sum}, every replica holds the sum of
 * everyone's {@code data[offset, offset+length)}, bit for bit the same on all of them. The step's
 * gradient goes through it, and so can anything a pass needs summed in the middle of a step.
 */
public interface Communicator {
    /** A run of one replica: every sum is the identity. */
    Communicator SINGLE = new Communicator() {
        @Override
        public void sum(float[] data, int offset, int length) {}

        @Override
        public int size() {
            return 1;
        }
    };

    void sum(float[] data, int offset, int length) throws IOException;

    /** The number of replicas. */
    int size();
}
