package io.sparkconv.driver.progress;

import java.io.PrintStream;
import java.time.Duration;

/** Progress as plain lines: what logs, pipes and tests get. */
final class ProgressLines implements ProgressDisplay {
    private final PrintStream out;
    private final long intervalNanos;
    private long lastStepLine = System.nanoTime();

    ProgressLines(PrintStream out, Duration interval) {
        this.out = out;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public synchronized void step(int epoch, int epochs, int step, int steps, double loss, double imagesPerSecond) {
        long now = System.nanoTime();
        if (now - lastStepLine >= intervalNanos) {
            out.println(ProgressDisplay.stepLine(epoch, step, steps, loss, imagesPerSecond));
            lastStepLine = now;
        }
    }

    @Override
    public synchronized void line(String text) {
        out.println(text);
    }

    @Override
    public void close() {
        out.flush();
    }
}
