package io.sparkconv.driver.stream;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DataLoading;
import io.sparkconv.driver.data.CachedUnits;
import io.sparkconv.driver.data.MemoryUnits;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.kernels.train.StreamPlan;
import java.util.BitSet;
import java.util.Locale;

/**
 * How one worker holds its part of the training split: read once and kept when it fits in
 * {@code data.memory_mb} (or {@code loading: memory}), else streamed, each of its shards holding two
 * units at a time; IDX files are in memory already. Either way the worker reads only the units its
 * shards cover. A stream that would not fit in the budget either fails here, before training.
 *
 * @param units       what the worker's streams read
 * @param description one line for the log: how much, and how it is held
 */
public record TrainingPart(SplitUnits units, String description) {
    private static final double MB = 1 << 20;

    public static TrainingPart of(SplitUnits train, StreamPlan plan, int worker, int workers, DataConfig data) {
        BitSet owned = new BitSet();
        long streamBytes = 0;
        for (int shard : plan.shardsOf(worker, workers)) {
            long largest = 0;
            for (StreamPlan.Piece p : plan.pieces(shard)) {
                owned.set(p.unit());
                largest = Math.max(largest, train.bytes(p.unit()));
            }
            streamBytes += 2 * largest;
        }
        long bytes = owned.stream().mapToLong(train::bytes).sum();
        long budget = (long) data.memoryMb() << 20;
        String what = String.format(Locale.ROOT, "worker %d of %d: %d of %d training units (%,.1f MB) in %d virtual shards",
                worker, workers, owned.cardinality(), train.count(), bytes / MB, plan.shardsOf(worker, workers).length);
        if (train instanceof MemoryUnits) {
            return new TrainingPart(train, what + ", in memory (IDX files)");
        }
        boolean keep = data.loading() == DataLoading.MEMORY || data.loading() == DataLoading.AUTO && bytes <= budget;
        if (keep) {
            return new TrainingPart(new CachedUnits(train), what + ", read once and kept in memory"
                    + (data.loading() == DataLoading.MEMORY ? " (loading: memory)" : " (within data.memory_mb " + data.memoryMb() + ")"));
        }
        if (streamBytes > budget) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: streaming them holds two units per shard, %,.0f MB, more than data.memory_mb %d:"
                            + " raise data.memory_mb, lower data.virtual_shards, or prepare with a smaller --shard-records",
                    what, streamBytes / MB, data.memoryMb()));
        }
        return new TrainingPart(train, String.format(Locale.ROOT, "%s, streamed (about %,.0f MB held at a time)",
                what, streamBytes / MB));
    }
}
