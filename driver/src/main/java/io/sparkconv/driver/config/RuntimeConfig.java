package io.sparkconv.driver.config;

import java.util.Locale;

/**
 * Where the kernels run.
 *
 * @param backend {@code auto} (the native backend when it loads, else Java), {@code java} or {@code onednn}
 * @param threads kernel threads; 0 means every core this process sees
 */
public record RuntimeConfig(String backend, Integer threads) {
    public RuntimeConfig {
        backend = backend == null ? "auto" : backend.toLowerCase(Locale.ROOT);
        threads = threads == null ? 0 : threads;
        if (!backend.equals("auto") && !backend.equals("java") && !backend.equals("onednn")) {
            throw new IllegalArgumentException("backend must be auto, java or onednn, got '" + backend + "'");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
