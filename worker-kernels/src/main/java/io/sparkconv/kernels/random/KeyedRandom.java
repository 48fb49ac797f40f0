package io.sparkconv.kernels.random;

/**
 * Counter-based random numbers: a value is a pure function of its key and index, never of the
 * thread or worker that asks. This is what lets a K-worker run and a single-process run draw the
 * same dropout masks and crops for the same sample (DESIGN.md, "Reproducibility").
 *
 * <p>The mixer is SplitMix64's finalizer (Steele, Lea and Flood 2014), which passes BigCrush when
 * fed a counter.
 */
public final class KeyedRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private KeyedRandom() {}

    /** A 64-bit key from several parts, e.g. (seed, epoch, sample id, layer). */
    public static long key(long... parts) {
        long h = 0x243F6A8885A308D3L;
        for (long p : parts) {
            h = mix(h ^ mix(p + GOLDEN));
        }
        return h;
    }

    /** The index-th 64-bit value of the stream named by key. */
    public static long bits(long key, long index) {
        return mix(key + (index + 1) * GOLDEN);
    }

    /** Uniform in [0, 1), 24 bits of precision. */
    public static float uniform(long key, long index) {
        return (bits(key, index) >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound). */
    public static int below(long key, long index, int bound) {
        return (int) (((bits(key, index) >>> 33) * bound) >>> 31);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
