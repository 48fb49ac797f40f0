package io.sparkconv.prep.split;

import java.util.Locale;

/** The three parts of a prepared dataset; {@link #dirName()} is the value of the Parquet partition column. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** "train", "validation" or "test": the name in paths, manifests and on the command line. */
    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The split of a name as {@link #dirName()} spells it; the message lists the valid names. */
    public static Split of(String name) {
        for (Split s : values()) {
            if (s.dirName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "': train, validation or test");
    }
}
