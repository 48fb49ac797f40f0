package io.sparkconv.kernels.train;

import io.sparkconv.kernels.random.KeyedRandom;
import java.util.List;

/**
 * One virtual shard's stream in one epoch: its pieces of units in an order drawn from
 * (seed, epoch, shard), and each piece's records in an order drawn from (seed, epoch, shard, piece).
 * Two levels, not a shuffle buffer, so that any stream position maps to its record without
 * reading what comes before it: a resume starts exactly where the run stopped. The mixing a
 * buffer would add across units comes from the V-way interleave of {@link StreamPlan} instead,
 * every batch drawing from all V shards.
 */
public final class ShardOrder {
    private static final long PIECES = 0x5049454345L; // "PIECE"
    private static final long RECORDS = 0x5245434FL; // "RECO"

    private final long seed;
    private final int shard;
    private final int epoch;
    private final StreamPlan.Piece[] pieces;
    /** starts[k]: the stream position where the k-th piece (in epoch order) begins; starts[n] the length. */
    private final long[] starts;
    /** The id (number in unit order) of the k-th piece's first record. */
    private final long[] firstIds;
    private int cachedPiece = -1;
    private int[] cachedOrder;

    ShardOrder(long seed, int shard, int epoch, List<StreamPlan.Piece> unitOrder, StreamPlan plan) {
        this.seed = seed;
        this.shard = shard;
        this.epoch = epoch;
        int n = unitOrder.size();
        int[] order = permutation(KeyedRandom.key(seed, epoch, shard, PIECES), n);
        this.pieces = new StreamPlan.Piece[n];
        this.starts = new long[n + 1];
        this.firstIds = new long[n];
        for (int k = 0; k < n; k++) {
            pieces[k] = unitOrder.get(order[k]);
            starts[k + 1] = starts[k] + pieces[k].size();
            firstIds[k] = plan.unitStart(pieces[k].unit()) + pieces[k].from();
        }
    }

    public int shard() {
        return shard;
    }

    public int epoch() {
        return epoch;
    }

    /** How many pieces the stream passes through. */
    public int pieceCount() {
        return pieces.length;
    }

    /** The k-th piece in this epoch's order. */
    public StreamPlan.Piece piece(int k) {
        return pieces[k];
    }

    /** The stream position where the k-th piece begins. */
    public long pieceStart(int k) {
        return starts[k];
    }

    public long length() {
        return starts[pieces.length];
    }

    /** The piece (in epoch order) that holds stream position {@code position}. */
    public int pieceAt(long position) {
        if (position < 0 || position >= length()) {
            throw new IndexOutOfBoundsException("position " + position + " of a stream of " + length());
        }
        return StreamPlan.lastAtMost(starts, pieces.length - 1, position);
    }

    /**
     * The order of the k-th piece's records: entry j is the offset, within the piece, of the record at
     * stream position pieceStart(k) + j.
     */
    public int[] recordOrder(int k) {
        StreamPlan.Piece p = pieces[k];
        return permutation(KeyedRandom.key(seed, epoch, ((long) shard << 32) | p.unit(), RECORDS), p.size());
    }

    /** The id of the record at stream position {@code position}. */
    public long recordAt(long position) {
        int k = pieceAt(position);
        if (k != cachedPiece) {
            cachedOrder = recordOrder(k);
            cachedPiece = k;
        }
        return firstIds[k] + cachedOrder[(int) (position - starts[k])];
    }

    /** A Fisher-Yates permutation of 0..n-1 on the keyed stream. */
    static int[] permutation(long key, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = KeyedRandom.below(key, i, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
