package io.sparkconv.driver.config;

import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.cpu.PrecisionChoice;

/**
 * Where the kernels run.
 *
 * @param backend   {@code auto} (the native backend when it loads, else Java), {@code java} or {@code onednn}
 * @param threads   kernel threads; 0 means every core this process sees
 * @param precision {@code fp32} (default), {@code bf16}: convolutions and inner products of the
 *                  native backend in bf16, with fp32 master weights, gradients and update, on CPUs with
 *                  native bf16 only; or {@code auto}: bf16 where every CPU of the run has it natively, else fp32
 */
public record RuntimeConfig(BackendChoice backend, Integer threads, PrecisionChoice precision) {
    public RuntimeConfig {
        backend = backend == null ? BackendChoice.AUTO : backend;
        threads = threads == null ? 0 : threads;
        precision = precision == null ? PrecisionChoice.FP32 : precision;
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /** fp32, as configs written before precision existed mean. */
    public RuntimeConfig(BackendChoice backend, Integer threads) {
        this(backend, threads, null);
    }

    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
