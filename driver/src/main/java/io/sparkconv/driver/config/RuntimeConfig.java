package io.sparkconv.driver.config;

import java.util.Locale;

/**
 * Where the kernels run.
 *
 * @param backend   {@code auto} (the native backend when it loads, else Java), {@code java} or {@code onednn}
 * @param threads   kernel threads; 0 means every core this process sees
 * @param precision {@code fp32} (default), {@code bf16}: convolutions and inner products of the
 *                  native backend in bf16, with fp32 master weights, gradients and update, on CPUs with
 *                  native bf16 only; or {@code auto}: bf16 where every CPU of the run has it natively, else fp32
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
        if (!precision.equals("fp32") && !precision.equals("bf16") && !precision.equals("auto")) {
            throw new IllegalArgumentException("precision must be auto, fp32 or bf16, got '" + precision + "'");
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
