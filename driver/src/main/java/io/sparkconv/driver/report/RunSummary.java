package io.sparkconv.driver.report;

import io.sparkconv.driver.config.SyncMode;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run writes to {@code OUT/summary.json}: the figures and the fully resolved
 * config, seed included, from which the run can be rebuilt.
 *
 * @param precision   the arithmetic the run trained in: fp32 or bf16 ({@code runtime.precision: auto} resolved)
 * @param isa         the instruction set oneDNN dispatched to where the kernels ran, e.g. {@code avx2}
 *                    ("avx2 (1 executor), avx512_core_bf16 (3 executors)" on a mixed cluster; "no oneDNN" where it does not load)
 * @param stop        how training ended: {@code completed}, {@code hopeless} (a search's trial stopped
 *                    near chance) or {@code diverged} (a trial whose loss stopped being finite)
 * @param stopMessage why it stopped early, in words; null when it completed
 * @param valAccuracy per epoch
 * @param trainLoss   per epoch, the mean data loss over the epoch's steps
 */
public record RunSummary(
        String net,
        String backend,
        String precision,
        String isa,
        int threads,
        int epochs,
        long seed,
        int trainImages,
        int validationImages,
        int testImages,
        List<Double> trainLoss,
        List<Double> valAccuracy,
        List<Double> valLoss,
        double testAccuracy,
        double testLoss,
        double imagesPerSecond,
        double trainSeconds,
        double wallSeconds,
        float[] channelMean,
        DataFeed dataFeed,
        Distributed distributed,
        String stop,
        String stopMessage,
        TrainConfig config) {

    /**
     * How the training data reached the steps (rank 0's, in a Spark run).
     *
     * @param held               how the worker held its part: kept in memory or streamed, and how much
     * @param waitMillisPerStep  mean time a step waited for its batch, ms
     * @param waitShare          that wait as a share of the mean step time (0.01 = 1%)
     * @param heapAfterGcMb      the heap in use after a full collection when training ended, its
     *                           streams still open ({@link HeapUse#afterCollections}): what the worker holds
     * @param heapMaxMb          the heap the worker's JVM may grow to
     */
    public record DataFeed(String held, double waitMillisPerStep, double waitShare, double heapAfterGcMb,
                           double heapMaxMb) {
        /** From the mean wait, the time the steps took in all, and the heap after collections (bytes). */
        public static DataFeed of(String held, double waitMillisPerStep, double loopSeconds, long steps,
                                  long heapAfterGc, long heapMax) {
            double stepMillis = steps > 0 ? 1000 * loopSeconds / steps : 0;
            return new DataFeed(held, waitMillisPerStep, stepMillis > 0 ? waitMillisPerStep / stepMillis : 0,
                    heapAfterGc / 1048576.0, heapMax / 1048576.0);
        }
    }

    /**
     * How a Spark run went; null for a single-process run.
     *
     * @param restarts               stage relaunches after a failure (each resumed from a checkpoint)
     * @param allReduceMillisPerStep mean time in the gradient all-reduce per step, on rank 0
     * @param computeMillisPerStep   mean forward + backward time per step, on rank 0
     */
    public record Distributed(String master, int workers, SyncMode sync, int restarts,
                              double allReduceMillisPerStep, double computeMillisPerStep, String checkpointDir) {}

    /** Writes {@code dir/summary.json} atomically: a reader never sees half a file. */
    public Path write(Path dir) throws IOException {
        return Json.writeAtomically(dir.resolve("summary.json"), this);
    }
}
