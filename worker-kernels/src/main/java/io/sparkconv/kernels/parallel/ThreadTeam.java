package io.sparkconv.kernels.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The cores a worker owns for its kernels: a fixed number of threads that run the pieces of one
 * layer call and return when all are done.
 *
 * <p>The count is explicit, never the JVM's common pool: on Spark an executor owns
 * {@code spark.task.cpus} cores, and on these 2-core machines any oversubscription costs far more
 * than it gains.
 */
public final class ThreadTeam implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    public ThreadTeam(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** One team for every core this JVM sees. */
    public static ThreadTeam allCores() {
        return new ThreadTeam(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task.accept(i)} for i in [0, count), split over the team; blocks until all are done. */
    public void forEach(int count, IntConsumer task) {
        if (count <= 0) {
            return;
        }
        if (pool == null || count == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        pool.invoke(new Range(task, 0, count, Math.max(1, count / (threads * 4))));
    }

    /**
     * Runs {@code task.accept(part)} for part in [0, threads()) so that each part can own scratch
     * memory (its own im2col buffer, its own gradient accumulator) without sharing.
     */
    public void forEachThread(IntConsumer task) {
        forEach(threads, task);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static final class Range extends RecursiveAction {
        private final IntConsumer task;
        private final int from;
        private final int to;
        private final int grain;

        Range(IntConsumer task, int from, int to, int grain) {
            this.task = task;
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                for (int i = from; i < to; i++) {
                    task.accept(i);
                }
                return;
            }
            int mid = (from + to) >>> 1;
            ForkJoinTask.invokeAll(new Range(task, from, mid, grain), new Range(task, mid, to, grain));
        }
    }
}
