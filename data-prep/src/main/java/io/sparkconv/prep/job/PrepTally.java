package io.sparkconv.prep.job;

import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.stats.ChannelMoments;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.util.AccumulatorV2;

/**
 * Everything the manifest counts, gathered in the same pass that writes the records: reads, writes
 * and rejections, counts per split and fold, the common shape, the train split's pixel sums.
 *
 * <p>Tasks update their own copy ({@link #written}, {@link #rejected}); Spark merges the copies on
 * the driver. The job updates it only in its result stage (the Parquet write), where Spark merges
 * each partition's update exactly once even when a task is retried or speculated, so the counts
 * are exact.
 */
final class PrepTally extends AccumulatorV2<PrepTally, PrepTally> {
    private static final long serialVersionUID = 1L;
    private static final int UNSET = -1;
    private static final int VARIES = -2;

    private final int channels;
    private final int folds;
    private long read;
    private long written;
    private final long[] splitCounts = new long[Split.values().length];
    private final long[] foldCounts;
    private final ChannelMoments trainMoments;
    /** Channels, height and width of the records written: a value, UNSET or VARIES. */
    private final int[] shape = {UNSET, UNSET, UNSET};
    private final List<Manifest.Rejection> rejections = new ArrayList<>();

    PrepTally(int channels, int folds) {
        this.channels = channels;
        this.folds = folds;
        this.foldCounts = new long[folds];
        this.trainMoments = new ChannelMoments(channels);
    }

    /** A record written to {@code split}: counted, its shape noted, and for train its pixels summed. */
    void written(Split split, int fold, int c, int h, int w, byte[] pixels) {
        read++;
        written++;
        splitCounts[split.ordinal()]++;
        note(0, c);
        note(1, h);
        note(2, w);
        if (split == Split.TRAIN) {
            foldCounts[fold]++;
            trainMoments.add(pixels, h * w);
        }
    }

    void rejected(String key, String reason) {
        read++;
        rejections.add(new Manifest.Rejection(key, reason));
    }

    private void note(int field, int value) {
        shape[field] = combine(shape[field], value);
    }

    private static int combine(int a, int b) {
        if (a == UNSET) {
            return b;
        }
        return b == UNSET || a == b ? a : VARIES;
    }

    long read() {
        return read;
    }

    long written() {
        return written;
    }

    long count(Split split) {
        return splitCounts[split.ordinal()];
    }

    List<Long> foldCounts() {
        List<Long> counts = new ArrayList<>(folds);
        for (long c : foldCounts) {
            counts.add(c);
        }
        return counts;
    }

    ChannelMoments trainMoments() {
        return trainMoments;
    }

    /** The common shape; null in a field where records differ or none were written. */
    Manifest.ImageShape shape() {
        return new Manifest.ImageShape(fixed(shape[0]), fixed(shape[1]), fixed(shape[2]));
    }

    private static Integer fixed(int v) {
        return v >= 0 ? v : null;
    }

    /** Rejections sorted by key, so the manifest does not depend on task order. */
    List<Manifest.Rejection> rejections() {
        List<Manifest.Rejection> sorted = new ArrayList<>(rejections);
        sorted.sort((a, b) -> a.key().compareTo(b.key()));
        return sorted;
    }

    @Override
    public boolean isZero() {
        return read == 0;
    }

    @Override
    public PrepTally copy() {
        PrepTally t = new PrepTally(channels, folds);
        t.merge(this);
        return t;
    }

    @Override
    public void reset() {
        read = 0;
        written = 0;
        java.util.Arrays.fill(splitCounts, 0);
        java.util.Arrays.fill(foldCounts, 0);
        java.util.Arrays.fill(shape, UNSET);
        trainMoments.reset();
        rejections.clear();
    }

    @Override
    public void add(PrepTally other) {
        merge(other);
    }

    @Override
    public void merge(AccumulatorV2<PrepTally, PrepTally> other) {
        PrepTally o = (PrepTally) other;
        read += o.read;
        written += o.written;
        for (int i = 0; i < splitCounts.length; i++) {
            splitCounts[i] += o.splitCounts[i];
        }
        for (int i = 0; i < folds; i++) {
            foldCounts[i] += o.foldCounts[i];
        }
        for (int i = 0; i < 3; i++) {
            shape[i] = combine(shape[i], o.shape[i]);
        }
        trainMoments.merge(o.trainMoments);
        rejections.addAll(o.rejections);
    }

    @Override
    public PrepTally value() {
        return this;
    }

    /** A summary: AccumulatorV2's own toString prints value(), which is this. */
    @Override
    public String toString() {
        return "PrepTally[read " + read + ", written " + written + ", rejected " + rejections.size() + "]";
    }
}
