package io.sparkconv.driver.config;

import java.util.Locale;

/**
 * Where the kernels run.
 *
 * @param backend   {@code auto} (the native backend when it loads, else Java), {@code java} or {@code onednn}
 * @param threads   kernel threads; 0 means every core this process sees
 * @param precision {@code fp32} (default) or {@code bf16}: convolutions and inner products of the
 *                  native backend in bf16, with fp32 master weights, gradients and update
 */
public record RuntimeConfig(String backend, Integer threads, String precision) {
    public RuntimeConfig {
        backend = backend == null ? "auto" : backend.toLowerCase(Locale.ROOT);
        threads = threads == null ? 0 : threads;
        precision = precision == null ? "fp32" : precision.toLowerCase(Locale.ROOT);
        if (!backend.equals("auto") && !backend.equals("java") && !backend.equals("onednn")) {
            throw new IllegalArgumentException("backend must be auto, java or onednn, got '" + backend + "'");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (!precision.equals("fp32") && !precision.equals("bf16")) {
            throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + precision + "'");
        }
    }

    /** fp32, as configs written before precision existed mean. */
    public RuntimeConfig(String backend, Integer threads) {
        this(backend, threads, null);
    }

    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
