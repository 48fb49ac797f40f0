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

    /**
     * The same key as {@code key(a, b, c, d)} without the varargs array, for loops that must not
     * allocate per image (the augmenter, dropout).
     */
    public static long key(long a, long b, long c, long d) {
        long h = 0x243F6A8885A308D3L;
        h = mix(h ^ mix(a + GOLDEN));
        h = mix(h ^ mix(b + GOLDEN));
        h = mix(h ^ mix(c + GOLDEN));
        return mix(h ^ mix(d + GOLDEN));
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

    /**
     * Standard normal, by Box-Muller on the two 32-bit halves of one value of the stream: 32 bits
     * per uniform are plenty for jitter, and the tails end at 6.7 sigma.
     */
    public static double normal(long key, long index) {
        long b = bits(key, index);
        double u1 = ((b >>> 32) + 1) * 0x1.0p-32; // (0, 1]: log stays finite
        double u2 = (b & 0xFFFFFFFFL) * 0x1.0p-32;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
