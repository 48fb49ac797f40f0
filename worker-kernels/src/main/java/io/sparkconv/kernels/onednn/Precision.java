package io.sparkconv.kernels.onednn;

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

    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fp32", "f32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + s + "': use fp32 or bf16");
        };
    }

    /** "fp32" or "bf16", as configs and the command line write it. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
