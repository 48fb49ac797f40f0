package io.sparkconv.kernels.cpu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The precision a config or the command line asks for: {@link Precision#FP32}, {@link Precision#BF16},
 * or {@code auto}, bf16 where the CPU has it natively and fp32 elsewhere. Resolved once per run,
 * against every CPU the run's kernels will use (see {@link CpuIsa} for what native means).
 */
public enum PrecisionChoice {
    AUTO,
    FP32,
    BF16;

    @JsonCreator
    public static PrecisionChoice parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "fp32", "f32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("precision must be auto, fp32 or bf16, got '" + s + "'");
        };
    }

    /** "auto", "fp32" or "bf16", as configs and the command line write it. */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }

    /**
     * The precision to run where oneDNN dispatches to isa; where names that CPU in the error (e.g.
     * "this machine", "executor 3 on host-a").
     *
     * @throws UnsupportedPrecisionException for bf16 on a CPU without native bf16: emulated bf16 runs
     *         3-4x slower than fp32, so running it would only waste the user's time
     */
    public Precision resolve(CpuIsa isa, String where) {
        return switch (this) {
            case FP32 -> Precision.FP32;
            case AUTO -> isa.nativeBf16() ? Precision.BF16 : Precision.FP32;
            case BF16 -> {
                if (!isa.nativeBf16()) {
                    throw new UnsupportedPrecisionException("precision bf16 needs a CPU with native bf16 (" + CpuIsa.BF16_NEEDS
                            + "), but oneDNN runs at " + isa.name() + " on " + where
                            + ": use precision fp32, or auto (bf16 only where the CPU has it)");
                }
                yield Precision.BF16;
            }
        };
    }

    /** A precision this CPU cannot run as asked: the user's to fix, so one line and exit code 2. */
    public static final class UnsupportedPrecisionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UnsupportedPrecisionException(String message) {
            super(message);
        }
    }
}
