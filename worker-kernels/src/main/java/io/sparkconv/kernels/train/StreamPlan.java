package io.sparkconv.kernels.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Which training records each step uses and which worker reads them: a pure function of the
 * training part's units (files, or in-memory chunks, with their record counts, in a fixed order),
 * the number V of virtual shards, the batch size and the seed; K, the number of workers, only
 * decides who reads what. So the global batches of a run are the same for any K (K changes only
 * the order of the float sums), and one process can replay them.
 *
 * <p>Virtual shards. The N records, numbered in unit order, are cut into V contiguous ranges of
 * sizes differing by at most one ({@link #shardStart}, {@link #shardSize}); a range may start or end
 * inside a unit, which its two shards then both read. So that a unit is not read by many shards,
 * V is at most the number of units, rounded down to a power of two (which K = 2, 4, 8 ... divide):
 * a dataset of few files gets fewer shards than asked. Worker r of K owns shards r, r+K, r+2K, ...
 * and reads only their units.
 *
 * <p>Steps. An epoch is a sequence of items 0, 1, 2, ...: item i is the next record of shard i mod V's
 * stream (its (i / V)-th), and step s takes items [sB, (s+1)B). Every shard thus gives about B/V
 * records to every batch, none runs dry before the others, and an epoch of floor(N / B) steps uses
 * every record at most once; the fewer than B left at the end are the shards' last stream
 * positions, different records every epoch. Worker r's share of a step is the items of its shards,
 * in item order: with K dividing V the shares differ by at most one image.
 *
 * <p>Streams. A shard's stream in epoch e is its pieces of units in an order drawn from
 * (seed, e, shard), each piece's records permuted by (seed, e, shard, piece): a position in the
 * stream is found without reading anything before it ({@link ShardOrder}), so a run resumes
 * mid-epoch at (epoch, step) exactly, and no record is used twice or skipped.
 */
public final class StreamPlan {
    /** The records [from, to) of unit {@code unit}, counted from the unit's first record. */
    public record Piece(int unit, int from, int to) {
        public int size() {
            return to - from;
        }
    }

    private final long seed;
    private final long[] unitStart;
    private final long records;
    private final int shards;
    private final int batchSize;
    private final int steps;

    /**
     * @param unitRecords   records per unit, in the order that numbers the records
     * @param virtualShards V; fewer for a dataset of fewer units (see above)
     */
    public StreamPlan(long seed, long[] unitRecords, int virtualShards, int batchSize) {
        if (virtualShards < 1) {
            throw new IllegalArgumentException("virtual_shards " + virtualShards + ": at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": at least 1");
        }
        this.seed = seed;
        this.unitStart = new long[unitRecords.length + 1];
        for (int u = 0; u < unitRecords.length; u++) {
            if (unitRecords[u] < 0) {
                throw new IllegalArgumentException("unit " + u + " has " + unitRecords[u] + " records");
            }
            unitStart[u + 1] = unitStart[u] + unitRecords[u];
        }
        this.records = unitStart[unitRecords.length];
        if (records < batchSize) {
            throw new IllegalArgumentException(records + " training samples cannot fill one batch of " + batchSize);
        }
        this.shards = (int) Math.min(Math.min(virtualShards, records),
                Integer.highestOneBit(Math.max(1, unitRecords.length)));
        this.batchSize = batchSize;
        this.steps = (int) Math.min(Integer.MAX_VALUE, records / batchSize);
    }

    public int stepsPerEpoch() {
        return steps;
    }

    public int batchSize() {
        return batchSize;
    }

    /** V as used: the setting, or fewer for a dataset of fewer units. */
    public int shards() {
        return shards;
    }

    public long records() {
        return records;
    }

    public int units() {
        return unitStart.length - 1;
    }

    /** The number of unit {@code unit}'s first record, its records' ids start there. */
    public long unitStart(int unit) {
        return unitStart[unit];
    }

    public long unitRecords(int unit) {
        return unitStart[unit + 1] - unitStart[unit];
    }

    public long shardStart(int shard) {
        return (long) shard * (records / shards) + Math.min(shard, records % shards);
    }

    public long shardSize(int shard) {
        return records / shards + (shard < records % shards ? 1 : 0);
    }

    /** The worker of K that reads shard {@code shard}. */
    public static int owner(int shard, int workers) {
        return shard % workers;
    }

    /** The shards worker {@code worker} of K reads, ascending. */
    public int[] shardsOf(int worker, int workers) {
        int n = worker < shards ? (shards - worker + workers - 1) / workers : 0;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = worker + i * workers;
        }
        return out;
    }

    /** Records of {@code shard} used by the steps before {@code step}: where its stream stands. */
    public long consumed(int shard, int step) {
        long items = (long) step * batchSize;
        return items > shard ? (items - shard + shards - 1) / shards : 0;
    }

    /** Worker {@code worker}'s share of step {@code step}: the items of its shards in [sB, (s+1)B). */
    public int shareSize(int worker, int workers, int step) {
        long first = (long) step * batchSize;
        int n = 0;
        for (int j = 0; j < batchSize; j++) {
            if (owner((int) ((first + j) % shards), workers) == worker) {
                n++;
            }
        }
        return n;
    }

    /**
     * The smallest and the largest share worker {@code worker} has in any step: the shares repeat
     * with a period of V / gcd(B, V) steps, so one period tells.
     */
    public int[] shareRange(int worker, int workers) {
        int period = shards / gcd(batchSize % shards, shards);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int s = 0; s < Math.min(period, Math.max(1, steps)); s++) {
            int n = shareSize(worker, workers, s);
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        return new int[] {min, max};
    }

    /**
     * Checks that K workers can share this plan: each owns a shard and has an image in every step.
     *
     * @throws IllegalArgumentException naming what to change
     */
    public void checkWorkers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers + ": at least 1");
        }
        if (workers > shards) {
            throw new IllegalArgumentException(workers + " workers but only " + shards + " virtual shards ("
                    + units() + " units of data): raise data.virtual_shards to at least " + workers
                    + ", or prepare the data in more files (--shard-records)");
        }
        for (int w = 0; w < workers; w++) {
            if (shareRange(w, workers)[0] == 0) {
                throw new IllegalArgumentException("batch " + batchSize + " over " + shards + " virtual shards leaves worker "
                        + w + " of " + workers + " without an image in some steps: use a batch of at least "
                        + 2 * workers + ", or a number of virtual shards that " + workers + " divides");
            }
        }
    }

    /** The pieces of units shard {@code shard} covers, in unit order. */
    public List<Piece> pieces(int shard) {
        long from = shardStart(shard);
        long to = from + shardSize(shard);
        List<Piece> out = new ArrayList<>();
        int u = unitAt(from);
        while (from < to) {
            long end = Math.min(to, unitStart[u + 1]);
            if (end > from) {
                out.add(new Piece(u, (int) (from - unitStart[u]), (int) (end - unitStart[u])));
            }
            from = end;
            u++;
        }
        return out;
    }

    /** The unit holding record {@code record}: the last non-empty unit starting at or before it. */
    private int unitAt(long record) {
        return lastAtMost(unitStart, unitStart.length - 2, record);
    }

    /** The last index i <= hi of an ascending array with sorted[i] <= x (0 when there is none). */
    static int lastAtMost(long[] sorted, int hi, long x) {
        int lo = 0;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Shard {@code shard}'s stream in epoch {@code epoch}. */
    public ShardOrder order(int shard, int epoch) {
        return new ShardOrder(seed, shard, epoch, pieces(shard), this);
    }

    /**
     * The records of step {@code step} as (shard, stream position) pairs in item order, those of
     * worker {@code worker} of K only ({@code worker} = -1: all of them, the global batch).
     */
    public void items(int step, int worker, int workers, ItemSink sink) {
        long first = (long) step * batchSize;
        for (int j = 0; j < batchSize; j++) {
            long i = first + j;
            int shard = (int) (i % shards);
            if (worker < 0 || owner(shard, workers) == worker) {
                sink.item(shard, i / shards);
            }
        }
    }

    /**
     * The ids of the records of step {@code step} in item order (the global batch), given every
     * shard's order of the epoch ({@code orders[v]} = {@link #order}(v, epoch)).
     */
    public long[] globalBatch(ShardOrder[] orders, int step) {
        long[] ids = new long[batchSize];
        int[] at = {0};
        items(step, -1, 1, (shard, position) -> ids[at[0]++] = orders[shard].recordAt(position));
        return ids;
    }

    /** Every shard's order of the epoch, by shard. */
    public ShardOrder[] orders(int epoch) {
        ShardOrder[] out = new ShardOrder[shards];
        for (int v = 0; v < shards; v++) {
            out[v] = order(v, epoch);
        }
        return out;
    }

    /** Receives the items of a step. */
    @FunctionalInterface
    public interface ItemSink {
        void item(int shard, long position);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return Math.max(1, a);
    }
}
