package io.sparkconv.driver.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API add of {@link PieceMath}; only PieceMath may load it, and only with the module present. */
final class VectorPieceAdd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorPieceAdd() {}

    static void add(float[] data, int at, ByteBuffer piece, int offset, int n) {
        ByteOrder order = ByteOrder.nativeOrder();
        int i = 0;
        for (int end = n - n % L; i < end; i += L) {
            FloatVector.fromArray(S, data, at + i)
                    .add(FloatVector.fromByteBuffer(S, piece, offset + 4 * i, order))
                    .intoArray(data, at + i);
        }
        for (; i < n; i++) {
            data[at + i] += piece.getFloat(offset + 4 * i);
        }
    }
}
