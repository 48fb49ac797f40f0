package io.sparkconv.driver.progress;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One progress bar per epoch on a terminal, drawn by me.tongfei:progressbar (it sizes itself to the
 * terminal through JLine and redraws elapsed time and ETA between our updates), with the running
 * loss and images/s beside it. A line of other text finishes the bar; the next step starts a new
 * one for the same epoch at the step reached.
 */
final class ProgressBars implements ProgressDisplay {
    private final PrintStream out;
    private ProgressBar bar;
    private LineTracking console;
    private int barEpoch = -1;
    private int lastEpoch = -1;

    ProgressBars(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void step(int epoch, int epochs, int step, int steps, double loss, double imagesPerSecond) {
        if (bar == null || barEpoch != epoch) {
            // After a line mid-epoch (a restart) the new bar continues from the step reached, and its
            // rate and ETA count from now.
            boolean continuing = barEpoch == epoch || lastEpoch == epoch;
            finish();
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format("epoch %d/%d", epoch + 1, epochs))
                    .setInitialMax(steps)
                    .setUnit(" steps", 1)
                    .setStyle(ProgressBarStyle.UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(console = new LineTracking(out))
                    .startsFrom(continuing ? step : 0, Duration.ZERO)
                    .build();
            barEpoch = epoch;
            lastEpoch = epoch;
        }
        bar.stepTo(step);
        bar.setExtraMessage(String.format("loss %.4f, %.0f img/s", loss, imagesPerSecond));
    }

    @Override
    public synchronized void line(String text) {
        finish();
        out.println(text);
    }

    @Override
    public synchronized void close() {
        finish();
        out.flush();
    }

    private void finish() {
        if (bar != null) {
            bar.close();
            // progressbar 0.10.1 skips its closing newline when a bar is closed before its first
            // scheduled redraw; end the line here then.
            if (console.lineOpen) {
                out.println();
            }
            bar = null;
            barEpoch = -1;
        }
    }

    /** The console consumer, noting whether the bar's line is still open (drawn, not yet ended). */
    private static final class LineTracking extends ConsoleProgressBarConsumer {
        volatile boolean lineOpen;

        LineTracking(PrintStream out) {
            super(out);
        }

        @Override
        public void accept(String rendered) {
            super.accept(rendered);
            lineOpen = true;
        }

        @Override
        public void close() {
            super.close();
            lineOpen = false;
        }
    }
}
