package io.sparkconv.driver.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two things a receiving worker does with a piece that arrived in a direct (or mapped) buffer:
 * add it into its vector, or copy it there. The add runs on the incubator Vector API when
 * {@code jdk.incubator.vector} is in the boot layer, else on a scalar loop.
 *
 * <p>Why: a scalar {@code data[i] += floats.get(i)} over a FloatBuffer view is not vectorized by
 * C2 and measured 111 ms for 62M floats here (half of them are added per K=2 all-reduce: ~55 ms
 * of the 181-188 ms exchange), against 20 ms for a plain 248 MB copy. Both paths add element by
 * element in IEEE single precision (no fused or reordered operations), so they give the same bits.
 */
final class PieceMath {
    // Checked by module presence, like the GEMM: VectorPieceAdd must never be loaded without it.
    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private PieceMath() {}

    /** data[at, at+n) += the n native-order floats of {@code piece} starting at byte {@code offset}. */
    static void add(float[] data, int at, ByteBuffer piece, int offset, int n) {
        if (VECTOR_MODULE) {
            VectorPieceAdd.add(data, at, piece, offset, n);
        } else {
            scalarAdd(data, at, piece, offset, n);
        }
    }

    static void scalarAdd(float[] data, int at, ByteBuffer piece, int offset, int n) {
        ByteBuffer b = piece.duplicate().order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            data[at + i] += b.getFloat(offset + 4 * i);
        }
    }

    /** data[at, at+n) = the n native-order floats of {@code piece} starting at byte {@code offset}. */
    static void copy(float[] data, int at, ByteBuffer piece, int offset, int n) {
        piece.duplicate().order(ByteOrder.nativeOrder()).position(offset).asFloatBuffer().get(data, at, n);
    }

    /** Writes data[at, at+n) into {@code piece} from byte {@code offset}, native order. */
    static void store(ByteBuffer piece, int offset, float[] data, int at, int n) {
        piece.duplicate().order(ByteOrder.nativeOrder()).position(offset).asFloatBuffer().put(data, at, n);
    }

    static boolean vectorized() {
        return VECTOR_MODULE;
    }
}
