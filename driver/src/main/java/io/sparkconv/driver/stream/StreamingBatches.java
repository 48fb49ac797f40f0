package io.sparkconv.driver.stream;

import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.train.BatchSource;
import io.sparkconv.kernels.train.StreamPlan;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * One worker's share of every step of a {@link StreamPlan}, assembled ahead of the step that needs
 * it: a producer thread pulls the records from the worker's shard streams and augments them into
 * the next batches (up to {@code depth} ahead) while the current one trains, and a reader thread
 * reads the streams' next units. The batches are a pure function of the plan and the step, so
 * whether the units come from memory or from files, and how far ahead the producer runs, changes
 * nothing but time.
 *
 * <p>With {@code worker = 0} of 1 it is the whole global batch: what one process trains on, the
 * batches of any K-worker run. Given {@code sumOrder} K, it puts them in the order K workers sum
 * them (worker 0's share, then worker 1's, ...), so its float sums round as theirs do.
 */
public final class StreamingBatches implements BatchSource {
    private record Pending(int epoch, int step, Batch batch, Future<Batch> built) {}

    private final StreamPlan plan;
    private final int worker;
    private final int workers;
    private final int epochs;
    private final long seed;
    private final Augmenter augmenter;
    private final ShardStream[] streams;
    private final int capacity;
    private final int sumOrder;
    private final ExecutorService producer;
    private final ExecutorService reader;
    private final ArrayDeque<Batch> free = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Batch lent;
    private int nextEpoch;
    private int nextStep;
    private long waitNanos;

    /**
     * @param train     the training part's units, as the plan numbers them
     * @param augmenter used by the producer thread only
     * @param epochs    the run's epochs: nothing is read beyond the last
     * @param depth     batches assembled ahead of the one training
     */
    public StreamingBatches(StreamPlan plan, int worker, int workers, SplitUnits train, Augmenter augmenter,
                            long seed, int epochs, int depth) {
        this(plan, worker, workers, train, augmenter, seed, epochs, depth, 1);
    }

    /** One process's batches ({@code worker} 0 of 1) in the order K = {@code sumOrder} workers sum them. */
    public StreamingBatches(StreamPlan plan, int worker, int workers, SplitUnits train, Augmenter augmenter,
                            long seed, int epochs, int depth, int sumOrder) {
        if (sumOrder > 1 && workers != 1) {
            throw new IllegalArgumentException("a sum order of " + sumOrder + " workers is for one process's batches");
        }
        this.sumOrder = Math.max(1, sumOrder);
        if (train.count() != plan.units()) {
            throw new IllegalArgumentException("the plan has " + plan.units() + " units, the data " + train.count());
        }
        this.plan = plan;
        this.worker = worker;
        this.workers = workers;
        this.epochs = epochs;
        this.seed = seed;
        this.augmenter = augmenter;
        this.capacity = plan.shareRange(worker, workers)[1];
        this.reader = Executors.newSingleThreadExecutor(daemon("sparkconv-reader-" + worker));
        this.producer = Executors.newSingleThreadExecutor(daemon("sparkconv-batches-" + worker));
        this.streams = new ShardStream[plan.shards()];
        for (int v : plan.shardsOf(worker, workers)) {
            streams[v] = new ShardStream(plan, v, train, reader, epochs);
        }
        int size = augmenter.output().size();
        for (int i = 0; i <= depth; i++) {
            free.add(new Batch(capacity, size));
        }
    }

    /**
     * Starts assembling from (epoch, step), where the run will start (a resume's position), so the
     * first batches are read while the net compiles.
     *
     * @return this
     */
    public StreamingBatches startAt(int epoch, int step) {
        reposition(epoch, step);
        return this;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public Batch batch(int epoch, int step) throws IOException {
        if (lent != null) {
            free.add(lent);
            lent = null;
        }
        Pending head = pending.peek();
        if (head == null || head.epoch() != epoch || head.step() != step) {
            reposition(epoch, step);
        }
        Pending p = pending.poll();
        long t0 = System.nanoTime();
        Batch b;
        try {
            b = ReadAhead.await(p.built());
        } catch (IOException | RuntimeException e) {
            free.add(p.batch());
            throw e;
        }
        waitNanos += System.nanoTime() - t0;
        lent = b;
        scheduleAhead();
        return b;
    }

    @Override
    public long waitNanos() {
        return waitNanos;
    }

    /** Drops what was built ahead (a resume, a retried step) and starts again at (epoch, step). */
    private void reposition(int epoch, int step) {
        for (Pending p : pending) {
            p.built().cancel(false);
            try {
                p.built().get();
            } catch (Exception ignored) {
                // cancelled or failed: the batch is discarded either way
            }
            free.add(p.batch());
        }
        pending.clear();
        nextEpoch = epoch;
        nextStep = step;
        scheduleAhead();
    }

    private void scheduleAhead() {
        while (!free.isEmpty() && nextEpoch < epochs) {
            Batch b = free.poll();
            int e = nextEpoch;
            int s = nextStep;
            pending.add(new Pending(e, s, b, producer.submit(() -> build(b, e, s))));
            if (++nextStep == plan.stepsPerEpoch()) {
                nextStep = 0;
                nextEpoch++;
            }
        }
        if (pending.isEmpty()) {
            // asked beyond the last epoch (a caller's mistake): build it anyway rather than hang
            Batch b = free.poll();
            int e = nextEpoch;
            int s = nextStep;
            pending.add(new Pending(e, s, b, producer.submit(() -> build(b, e, s))));
        }
    }

    /** The share of step s of epoch e, in item order; sample ids are the records' ids in the plan. */
    private Batch build(Batch batch, int epoch, int step) throws IOException {
        int[] slot = {0};
        IOException[] failed = {null};
        StreamPlan.ItemSink sink = (shard, position) -> {
            if (failed[0] != null) {
                return;
            }
            ShardStream stream = streams[shard];
            try {
                stream.at(epoch, position);
            } catch (IOException e) {
                failed[0] = e;
                return;
            }
            int i = slot[0]++;
            augmenter.augment(stream.set(), stream.index(), stream.id(), epoch, seed, batch.images, i);
            batch.labels[i] = stream.set().labels()[stream.index()];
            batch.sampleIds[i] = stream.id();
        };
        if (sumOrder > 1) {
            for (int w = 0; w < sumOrder; w++) {
                plan.items(step, w, sumOrder, sink);
            }
        } else {
            plan.items(step, worker, workers, sink);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return batch.fill(slot[0], epoch, seed);
    }

    @Override
    public void close() {
        producer.shutdownNow();
        reader.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
