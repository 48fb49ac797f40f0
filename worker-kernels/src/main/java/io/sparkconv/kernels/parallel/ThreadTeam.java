package io.sparkconv.kernels.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The cores a worker owns for its kernels: a fixed number of threads that run the pieces of one
 * layer call and return when all are done. The calling thread is one of them.
 *
 * <p>The count is explicit, never the JVM's common pool: on Spark an executor owns
 * {@code spark.task.cpus} cores, and on these 2-core machines any oversubscription costs far more
 * than it gains.
 *
 * <p>Why not a ForkJoinPool: a layer call is often 50-500 us of work, and waking parked pool
 * threads cost 70-100 us per call here (measured by the GEMM work), sometimes milliseconds. The
 * team's threads spin briefly between calls (a training step issues dozens back to back) and park
 * only when idle for longer, and the caller works instead of waiting.
 */
public final class ThreadTeam implements AutoCloseable {
    /** How long an idle helper spins before parking: covers the gap between two layer calls. */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] helpers;
    /** The current call, published in one volatile write; a helper holding a stale one finds it finished. */
    private volatile Job job;
    private volatile boolean closed;

    /** One forEach call: its task, its own counters, its caller. */
    private static final class Job {
        final IntConsumer task;
        final int count;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final Thread waiter = Thread.currentThread();
        volatile Throwable failure;

        Job(IntConsumer task, int count) {
            this.task = task;
            this.count = count;
        }
    }

    public ThreadTeam(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Thread(this::helperLoop, "sparkconv-kernel-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /** One team for every core this JVM sees. */
    public static ThreadTeam allCores() {
        return new ThreadTeam(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(i)} for i in [0, count), split over the team; blocks until all are
     * done. Not reentrant: a task must not call forEach on the same team.
     */
    public synchronized void forEach(int count, IntConsumer task) {
        if (count <= 0) {
            return;
        }
        if (helpers.length == 0 || count == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        Job current = new Job(task, count);
        job = current; // publishes the call to the helpers
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
        work(current);
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (current.done.get() < count) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        Throwable f = current.failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
    }

    /**
     * Runs {@code task.accept(part)} for part in [0, threads()) so that each part can own scratch
     * memory (its own im2col buffer, its own gradient accumulator) without sharing. Parts may run
     * on any thread, but never two at once on the same part.
     */
    public void forEachThread(IntConsumer task) {
        forEach(threads, task);
    }

    private static void work(Job j) {
        int i;
        while ((i = j.next.getAndIncrement()) < j.count) {
            try {
                j.task.accept(i);
            } catch (Throwable t) {
                j.failure = t;
            } finally {
                if (j.done.incrementAndGet() == j.count) {
                    LockSupport.unpark(j.waiter);
                }
            }
        }
    }

    private void helperLoop() {
        Job seen = null;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Job current;
            while ((current = job) == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = current;
            work(current);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
