package io.sparkconv.prep.split;

import java.nio.charset.StandardCharsets;

/**
 * Assigns a record to a split by a stable hash of its key alone: the assignment never changes when
 * other records are added, when the data is repartitioned or when the cluster changes.
 */
public final class StableSplit {
    private StableSplit() {}

    /** A number in [0, 1) that depends only on the key: the top 53 bits of {@link #hash}. */
    public static double position(String key) {
        return (hash(key) >>> 11) * 0x1.0p-53;
    }

    /**
     * A 64-bit hash of the key's UTF-8 bytes alone (FNV-1a 64, then {@link #mix}): the same on
     * every JVM and run, unlike String.hashCode's use in hashed collections.
     */
    public static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finalizer: a bijection of the 64-bit values whose every output bit depends on every input bit. */
    public static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * The fold of a position p in the range [lo, 1) cut into k equal parts:
     * min(k - 1, floor((p - lo) / (1 - lo) * k)); the min catches the rounding at p just below 1.
     */
    public static int fold(double p, double lo, int k) {
        return Math.min(k - 1, (int) Math.floor((p - lo) / (1 - lo) * k));
    }

    /** True when the key falls in the first {@code fraction} of [0, 1). */
    public static boolean inFirst(String key, double fraction) {
        return position(key) < fraction;
    }
}
