package io.sparkconv.driver.data;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;

/**
 * One part of a run's data (its training, validation or test images) as units that are read one
 * at a time: a prepared dataset's files, or consecutive chunks of an in-memory set. Record
 * counts are known without reading (the manifest, the IDX headers), so a run is planned, and a
 * worker told which units are its own, before any pixels are read. A unit's records come in the
 * same order on every read and in every process.
 */
public abstract class SplitUnits {
    private final String name;
    private final Shape shape;
    private final int classes;
    private final long[] records;

    protected SplitUnits(String name, Shape shape, int classes, long[] records) {
        this.name = name;
        this.shape = shape;
        this.classes = classes;
        this.records = records;
    }

    /** The unit's records, in their stored order. */
    public abstract ImageSet read(int unit) throws IOException;

    /** What a message names the unit by: its file, or its place in the set. */
    public abstract String describe(int unit);

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    public int classes() {
        return classes;
    }

    public int count() {
        return records.length;
    }

    public long records(int unit) {
        return records[unit];
    }

    /** Records per unit, in unit order. */
    public long[] recordCounts() {
        return records.clone();
    }

    public long totalRecords() {
        long n = 0;
        for (long r : records) {
            n += r;
        }
        return n;
    }

    /** Pixel bytes of the unit once read. */
    public long bytes(int unit) {
        return records[unit] * shape.size();
    }

    /** The units worker {@code worker} of K scores (validation, test): every K-th, from its rank. */
    public int[] unitsOf(int worker, int workers) {
        int n = worker < count() ? (count() - worker + workers - 1) / workers : 0;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = worker + i * workers;
        }
        return out;
    }
}
