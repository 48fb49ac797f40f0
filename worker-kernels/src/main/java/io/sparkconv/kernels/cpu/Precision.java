package io.sparkconv.kernels.cpu;

import java.util.Locale;

/**
 * The arithmetic of the native backend's convolutions and inner products. Master weights, their
 * gradients and the update are fp32 in both; bf16 keeps activations, their gradients and the
 * weights the primitives read in bf16 across the whole pass (converting per layer would cost as
 * much as the bf16 kernel saves).
 */
public enum Precision {
    FP32,
    BF16;

    /** fp32 or bf16 by name; "auto" is a {@link PrecisionChoice}, resolved against a CPU. */
    public static Precision parse(String s) {
        PrecisionChoice c = PrecisionChoice.parse(s);
        if (c == PrecisionChoice.AUTO) {
            throw new IllegalArgumentException("precision auto is resolved against a CPU first (PrecisionChoice.resolve)");
        }
        return c == PrecisionChoice.BF16 ? BF16 : FP32;
    }

    /** "fp32" or "bf16", as configs and the command line write it. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
