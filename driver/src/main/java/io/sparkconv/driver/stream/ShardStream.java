package io.sparkconv.driver.stream;

import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.kernels.train.ShardOrder;
import io.sparkconv.kernels.train.StreamPlan;
import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One virtual shard's records in an epoch's order ({@link ShardOrder}), read a unit at a time: the
 * unit the stream is in, and the next one, which the reader thread fetches as soon as the stream
 * enters the one before. So a stream holds at most two units, and its reads overlap the steps that
 * use the current one. Used by one thread at a time (the batch producer).
 */
final class ShardStream {
    private final StreamPlan plan;
    private final int shard;
    private final SplitUnits units;
    private final ExecutorService reader;
    private ShardOrder order;
    private int piece = -1;
    private long pieceStart;
    private long pieceEnd;
    private ImageSet current;
    private int[] recordOrder;
    private int pieceFrom;
    /** The unit read ahead: the next piece of this epoch, or the first of the next epoch ({@link #nextOrder}). */
    private int nextPiece = -1;
    private Future<ImageSet> next;
    private ShardOrder nextOrder;
    private final int epochs;
    /** Where the last record came from. */
    private ImageSet set;
    private int index;
    private long id;

    /** @param epochs the run's epochs: the last one reads nothing ahead */
    ShardStream(StreamPlan plan, int shard, SplitUnits units, ExecutorService reader, int epochs) {
        this.epochs = epochs;
        this.plan = plan;
        this.shard = shard;
        this.units = units;
        this.reader = reader;
    }

    /** Moves to the record at {@code position} of epoch {@code epoch}'s stream; then {@link #set}, {@link #index}, {@link #id} tell it. */
    void at(int epoch, long position) throws IOException {
        if (order == null || order.epoch() != epoch) {
            if (nextOrder != null && nextOrder.epoch() == epoch) {
                // the first unit of this epoch was read ahead at the end of the last one
                order = nextOrder;
                nextOrder = null;
            } else {
                order = plan.order(shard, epoch);
                dropNext();
            }
            piece = -1;
            current = null;
        }
        if (piece < 0 || position < pieceStart || position >= pieceEnd) {
            enter(order.pieceAt(position));
        }
        index = pieceFrom + recordOrder[(int) (position - pieceStart)];
        set = current;
        id = plan.unitStart(order.piece(piece).unit()) + index;
    }

    ImageSet set() {
        return set;
    }

    int index() {
        return index;
    }

    long id() {
        return id;
    }

    private void enter(int k) throws IOException {
        StreamPlan.Piece p = order.piece(k);
        current = null; // let the unit just left go before the next is read
        if (k == nextPiece && next != null && nextOrder == null) {
            current = ReadAhead.await(next);
        } else {
            dropNext();
            current = units.read(p.unit());
        }
        next = null;
        nextPiece = -1;
        piece = k;
        pieceStart = order.pieceStart(k);
        pieceEnd = pieceStart + p.size();
        pieceFrom = p.from();
        recordOrder = order.recordOrder(k);
        if (k + 1 < order.pieceCount()) {
            int unit = order.piece(k + 1).unit();
            nextPiece = k + 1;
            next = reader.submit(() -> units.read(unit));
        } else if (order.epoch() + 1 < epochs) {
            ShardOrder following = plan.order(shard, order.epoch() + 1);
            int unit = following.piece(0).unit();
            nextOrder = following;
            nextPiece = 0;
            next = reader.submit(() -> units.read(unit));
        }
    }

    private void dropNext() {
        if (next != null) {
            next.cancel(false);
        }
        next = null;
        nextPiece = -1;
        nextOrder = null;
    }
}
