package io.sparkconv.driver.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a training run shows its progress: a bar per epoch on a terminal, plain lines anywhere
 * else (a pipe, a log file, a test), so logs never fill with carriage returns. Steps come in as
 * often as the trainer likes; other messages (epoch results, restarts) go through {@link #line}
 * so they never tear a bar. Thread-safe: progress arrives on socket threads in Spark runs.
 *
 * <p>{@code -Dsparkconv.progress=bar|lines|auto} overrides the choice (default {@code auto}: a
 * bar when the stream is {@code System.out} and the JVM has a console).
 */
public interface ProgressDisplay extends AutoCloseable {
    /** Progress within an epoch: {@code step} of {@code steps} done, with the running loss and images/s. */
    void step(int epoch, int epochs, int step, int steps, double loss, double imagesPerSecond);

    /** A whole line of text outside any bar (an open bar is finished first). */
    void line(String text);

    /** Finishes an open bar; later output starts on a fresh line. */
    @Override
    void close();

    /**
     * A bar on a terminal, else lines on {@code out}, at most one step line per {@code lineInterval}
     * (zero: every step reported).
     */
    static ProgressDisplay open(PrintStream out, Duration lineInterval) {
        String mode = System.getProperty("sparkconv.progress", "auto").toLowerCase(Locale.ROOT);
        boolean bar = switch (mode) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> out == System.out && System.console() != null;
            default -> throw new IllegalArgumentException("sparkconv.progress must be auto, bar or lines, got '" + mode + "'");
        };
        return bar ? new ProgressBars(out) : new ProgressLines(out, lineInterval);
    }

    /** The step line both displays agree on, e.g. {@code "  epoch 2 step 120/540 loss 0.4312 3812 img/s"}. */
    static String stepLine(int epoch, int step, int steps, double loss, double imagesPerSecond) {
        return String.format("  epoch %d step %d/%d loss %.4f %.0f img/s", epoch + 1, step, steps, loss, imagesPerSecond);
    }
}
