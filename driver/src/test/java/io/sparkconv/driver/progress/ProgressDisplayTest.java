package io.sparkconv.driver.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anythingButATerminalGetsPlainLines() {
        // Surefire's JVM has no console, and the stream is not System.out either.
        try (ProgressDisplay d = ProgressDisplay.open(out, Duration.ZERO)) {
            assertInstanceOf(ProgressLines.class, d);
            d.step(0, 2, 10, 540, 0.61234, 3812.4);
            d.step(0, 2, 20, 540, 0.51234, 3900.0);
            d.line("epoch 1: train loss 0.5000");
        }
        assertEquals(List.of("  epoch 1 step 10/540 loss 0.6123 3812 img/s", "  epoch 1 step 20/540 loss 0.5123 3900 img/s",
                "epoch 1: train loss 0.5000"), text().lines().toList());
        assertFalse(text().contains("\r"));
    }

    @Test
    void linesAreThrottledToTheInterval() {
        try (ProgressDisplay d = ProgressDisplay.open(out, Duration.ofHours(1))) {
            for (int s = 1; s <= 100; s++) {
                d.step(0, 1, s, 100, 1.0, 10);
            }
            d.line("done");
        }
        assertEquals(List.of("done"), text().lines().toList(), "no step line within the first hour");
    }

    @Test
    void aBarShowsStepsLossAndThroughputAndAnotherLineFinishesIt() {
        try (ProgressDisplay d = new ProgressBars(out)) {
            d.step(0, 3, 135, 540, 0.4321, 3812);
            d.line("workers started (stage attempt 1)");
            d.step(0, 3, 270, 540, 0.4000, 3700);
            d.step(1, 3, 540, 540, 0.3000, 3900);
        }
        String t = text();
        assertTrue(t.contains("\r"), "a bar redraws in place");
        assertTrue(t.contains("epoch 1/3"), t);
        assertTrue(t.contains("135/540"), t);
        assertTrue(t.contains("loss 0.4321, 3812 img/s"), t);
        assertTrue(t.contains("epoch 2/3"), t);
        assertTrue(t.contains("540/540"), t);
        // The line follows a finished bar: it starts a line of its own.
        assertTrue(t.contains("\nworkers started (stage attempt 1)\n"), t);
    }

    @Test
    void anUnknownModeIsRefused() {
        System.setProperty("sparkconv.progress", "fancy");
        try {
            assertThrows(IllegalArgumentException.class, () -> ProgressDisplay.open(out, Duration.ZERO));
        } finally {
            System.clearProperty("sparkconv.progress");
        }
    }
}
