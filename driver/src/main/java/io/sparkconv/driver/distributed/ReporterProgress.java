package io.sparkconv.driver.distributed;

import io.sparkconv.kernels.train.EpochLoop;
import io.sparkconv.kernels.train.TrainingProgress;
import io.sparkconv.kernels.train.ValidationScores;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rank 0's progress as events to the driver ({@link ProgressServer} shows them and writes them to
 * metrics.jsonl): the start, a step every 2 s and at each epoch's end, epochs, checkpoints, a stop.
 */
final class ReporterProgress implements TrainingProgress {
    private static final long STEP_EVERY_NANOS = 2_000_000_000L;
    private final ProgressReporter reporter;
    private final int attempt;
    private final String transport;
    private long lastStep = System.nanoTime();

    ReporterProgress(ProgressReporter reporter, int attempt, String transport) {
        this.reporter = reporter;
        this.attempt = attempt;
        this.transport = transport;
    }

    @Override
    public void started(int epoch, int step, boolean resumed) {
        reporter.send(event("start", "epoch", epoch, "step", step, "attempt", attempt, "resumed", resumed,
                "transport", transport));
    }

    @Override
    public void step(int epoch, int epochs, int step, int steps, double meanLoss, double imagesPerSecond) {
        long now = System.nanoTime();
        if (now - lastStep > STEP_EVERY_NANOS || step == steps) {
            reporter.send(event("step", "epoch", epoch, "epochs", epochs, "step", step, "steps", steps,
                    "loss", meanLoss, "images_per_second", imagesPerSecond));
            lastStep = now;
        }
    }

    @Override
    public void epoch(int epoch, int epochs, double trainLoss, ValidationScores validation, double seconds, long images) {
        reporter.send(event("epoch", "epoch", epoch, "train_loss", trainLoss, "val_accuracy", validation.accuracy(),
                "val_loss", validation.loss(), "seconds", seconds, "images", images));
    }

    @Override
    public void checkpoint(int epoch, int step, String path) {
        reporter.send(event("checkpoint", "epoch", epoch, "step", step, "path", path));
    }

    @Override
    public void stopped(int epoch, int step, EpochLoop.Stop why, String message) {
        reporter.send(event("stopped", "epoch", epoch, "step", step, "reason", why.name().toLowerCase(java.util.Locale.ROOT),
                "message", message));
    }

    static Map<String, Object> event(String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
