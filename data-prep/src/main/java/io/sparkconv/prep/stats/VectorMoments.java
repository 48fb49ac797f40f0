package io.sparkconv.prep.stats;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API part of {@link ChannelMoments#add}: a lane of int sums per statistic, one byte
 * vector widened to ints per load. Only ChannelMoments may load this class, and only when the
 * {@code jdk.incubator.vector} module is present.
 */
final class VectorMoments {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many byte lanes as int lanes, so one load widens into one int vector. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final int LANES = INTS.length();

    private VectorMoments() {}

    /**
     * Adds pixels [from, from + m) of a 1-channel image, m the largest multiple of the lane count
     * not above n, to sum[0] and sumSquares[0]; returns m. Int lanes hold n * 255^2 when n <= BLOCK.
     */
    static int addGrey(byte[] chw, int from, int n, long[] sum, long[] sumSquares) {
        int m = n - n % LANES;
        IntVector s = IntVector.zero(INTS);
        IntVector sq = IntVector.zero(INTS);
        for (int j = from; j < from + m; j += LANES) {
            IntVector v = widen(chw, j);
            s = s.add(v);
            sq = sq.add(v.mul(v));
        }
        sum[0] += s.reduceLanes(VectorOperators.ADD);
        sumSquares[0] += sq.reduceLanes(VectorOperators.ADD);
        return m;
    }

    /** As {@link #addGrey} for the three planes of an RGB image, with the cross products R*G, R*B, G*B. */
    static int addRgb(byte[] chw, int plane, int from, int n, long[] sum, long[] sumSquares, long[] cross) {
        int m = n - n % LANES;
        IntVector sr = IntVector.zero(INTS);
        IntVector sg = sr;
        IntVector sb = sr;
        IntVector qr = sr;
        IntVector qg = sr;
        IntVector qb = sr;
        IntVector rg = sr;
        IntVector rb = sr;
        IntVector gb = sr;
        for (int j = from; j < from + m; j += LANES) {
            IntVector r = widen(chw, j);
            IntVector g = widen(chw, plane + j);
            IntVector b = widen(chw, 2 * plane + j);
            sr = sr.add(r);
            sg = sg.add(g);
            sb = sb.add(b);
            qr = qr.add(r.mul(r));
            qg = qg.add(g.mul(g));
            qb = qb.add(b.mul(b));
            rg = rg.add(r.mul(g));
            rb = rb.add(r.mul(b));
            gb = gb.add(g.mul(b));
        }
        sum[0] += sr.reduceLanes(VectorOperators.ADD);
        sum[1] += sg.reduceLanes(VectorOperators.ADD);
        sum[2] += sb.reduceLanes(VectorOperators.ADD);
        sumSquares[0] += qr.reduceLanes(VectorOperators.ADD);
        sumSquares[1] += qg.reduceLanes(VectorOperators.ADD);
        sumSquares[2] += qb.reduceLanes(VectorOperators.ADD);
        cross[0] += rg.reduceLanes(VectorOperators.ADD);
        cross[1] += rb.reduceLanes(VectorOperators.ADD);
        cross[2] += gb.reduceLanes(VectorOperators.ADD);
        return m;
    }

    /** LANES uint8 values from {@code at} as ints 0..255 (the widening is signed, hence the mask). */
    private static IntVector widen(byte[] a, int at) {
        return ((IntVector) ByteVector.fromArray(BYTES, a, at).convertShape(VectorOperators.B2I, INTS, 0)).and(0xff);
    }
}
