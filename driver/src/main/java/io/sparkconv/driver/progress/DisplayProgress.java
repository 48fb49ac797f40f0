package io.sparkconv.driver.progress;

import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.TrainingProgress;
import io.sparkconv.kernels.train.ValidationScores;
import java.util.Locale;

/** The epoch loop's progress on a {@link ProgressDisplay}: what a run in this process shows. */
public final class DisplayProgress implements TrainingProgress {
    private final ProgressDisplay display;

    public DisplayProgress(ProgressDisplay display) {
        this.display = display;
    }

    @Override
    public void started(int epoch, int step, boolean resumed) {
        if (resumed) {
            display.line(String.format(Locale.ROOT, "resuming at epoch %d step %d", epoch + 1, step));
        }
    }

    @Override
    public void step(int epoch, int epochs, int step, int steps, double meanLoss, double imagesPerSecond) {
        display.step(epoch, epochs, step, steps, meanLoss, imagesPerSecond);
    }

    @Override
    public void epoch(int epoch, int epochs, double trainLoss, ValidationScores validation, double seconds, long images) {
        display.line(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, validation accuracy %.4f (loss %.4f), %.1f s, %.0f img/s",
                epoch + 1, epochs, trainLoss, validation.accuracy(), validation.loss(), seconds, images / seconds));
    }

    @Override
    public void stopped(int epoch, int step, EpochLoop.Stop why, String message) {
        display.line(stopLine(epoch, step, why, message));
    }

    /** "stopping after epoch 2: the run is hopeless (...)" or "stopping: the training loss is NaN at ...", as every mode prints it. */
    public static String stopLine(int epoch, int step, EpochLoop.Stop why, String message) {
        return why == EpochLoop.Stop.HOPELESS
                ? String.format(Locale.ROOT, "stopping after epoch %d: the run is hopeless (%s)", epoch, message)
                : "stopping: " + message;
    }
}
