package io.sparkconv.kernels.train;

/**
 * When a run is not worth finishing: a search (learning rate x regularization) has trials that
 * diverge or never learn, and each one holds a slot another trial could use.
 *
 * <p>The rule: stop after epoch {@code after} (1-based) if validation accuracy is at most 1.5 times
 * chance (and after any epoch whose mean training loss is not finite, though the {@link EpochLoop}
 * already stops every run at the step where the loss stops being finite). Every replica of a run
 * sees the same all-reduced figures, so all of them stop at the same epoch.
 */
public final class HopelessRun {
    private HopelessRun() {}

    /**
     * @param epochsDone   epochs finished so far (1 after the first)
     * @param after        0 = never stop
     * @param trainLoss    the finished epoch's mean training loss
     * @param valAccuracy  the finished epoch's validation accuracy (NaN when there is no validation part)
     */
    public static boolean shouldStop(int epochsDone, int after, double trainLoss, double valAccuracy, int classes) {
        if (after <= 0) {
            return false;
        }
        if (!Double.isFinite(trainLoss)) {
            return true;
        }
        return epochsDone == after && !Double.isNaN(valAccuracy) && valAccuracy <= 1.5 / classes;
    }
}
