package io.sparkconv.kernels.backends;

import io.sparkconv.kernels.java.JavaBackend;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.cpu.CpuIsa;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.onednn.OneDnnBackend;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a backend by name: {@code auto} takes the native oneDNN backend when its library loads on
 * this machine and the Java backend otherwise (saying why, once per process); {@code java} and
 * {@code onednn} force one, and {@code onednn} fails with the loader's reason when it cannot run.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean AUTO_PRECISION_LOGGED = new AtomicBoolean();

    private Backends() {}

    /** The backend by name, in fp32. */
    public static Backend select(String name) {
        return select(name, "fp32");
    }

    /** {@link #select(BackendChoice, PrecisionChoice)} by the words a config or the command line writes. */
    public static Backend select(String name, String precision) {
        return select(BackendChoice.parse(name), PrecisionChoice.parse(precision));
    }

    /**
     * The backend asked for, the precision resolved against this process's CPU
     * ({@link PrecisionChoice#resolve}). bf16 is a native-backend mode: the Java backend computes in
     * fp32 whatever is asked, and says so when auto falls back to it.
     *
     * @throws PrecisionChoice.UnsupportedPrecisionException bf16 on oneDNN where this CPU has no native bf16
     */
    public static Backend select(BackendChoice choice, PrecisionChoice wanted) {
        return switch (choice) {
            case AUTO -> {
                String why = OneDnn.unavailableReason();
                if (why == null) {
                    yield new OneDnnBackend(resolve(wanted));
                }
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("backend auto: oneDNN cannot load ({}); using the Java backend{}", why,
                            wanted == PrecisionChoice.BF16 ? " in fp32" : "");
                }
                yield new JavaBackend();
            }
            case JAVA -> new JavaBackend();
            case ONEDNN -> {
                String why = OneDnn.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("backend 'onednn' cannot run here: " + why
                            + "; use --backend java (or auto, which falls back to it)");
                }
                yield new OneDnnBackend(resolve(wanted));
            }
        };
    }

    private static Precision resolve(PrecisionChoice wanted) {
        CpuIsa isa = OneDnn.isa();
        Precision p = wanted.resolve(isa, "this machine");
        if (wanted == PrecisionChoice.AUTO && AUTO_PRECISION_LOGGED.compareAndSet(false, true)) {
            LOG.info("precision auto: {} (oneDNN dispatches to {}, {})", p.word(), isa,
                    isa.nativeBf16() ? "which has native bf16" : "which has no native bf16");
        }
        return p;
    }
}
