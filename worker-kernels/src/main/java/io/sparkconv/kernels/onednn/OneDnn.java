package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.CpuIsa;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads oneDNN (through JavaCPP) once per process and holds its CPU engine. Loading can fail
 * (no natives for this platform, a missing system library); then {@link #unavailableReason()} says
 * why and callers fall back to the Java backend.
 */
public final class OneDnn {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final Object LOCK = new Object();
    private static volatile boolean tried;
    private static engine cpu;
    private static CpuIsa isa;
    private static String failure;

    private OneDnn() {}

    /** Null when oneDNN loaded and a CPU engine exists; otherwise one line saying why not. */
    public static String unavailableReason() {
        load();
        return failure;
    }

    public static boolean available() {
        return unavailableReason() == null;
    }

    /**
     * The instruction set oneDNN dispatches to in this process (read once, when the library loads;
     * {@code ONEDNN_MAX_CPU_ISA} caps it); fails like {@link #engine()} where oneDNN cannot load.
     */
    public static CpuIsa isa() {
        engine();
        return isa;
    }

    static engine engine() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException("oneDNN is not available: " + why);
        }
        return cpu;
    }

    private static void load() {
        if (tried) {
            return;
        }
        synchronized (LOCK) {
            if (tried) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                Loader.load(dnnl.class);
                cpu = new engine(engine.kind.cpu, 0);
                isa = CpuIsa.of(dnnl.dnnl_get_effective_cpu_isa());
                LOG.debug("oneDNN loaded in {} ms, dispatching to {}", (System.nanoTime() - t0) / 1_000_000, isa);
            } catch (Throwable t) {
                // UnsatisfiedLinkError, NoClassDefFoundError or a oneDNN error: all mean "use Java".
                // No Loader call here: without the JavaCPP jars on the classpath it is the class missing.
                failure = t.getClass().getSimpleName() + ": " + t.getMessage() + " (" + System.getProperty("os.name")
                        + " " + System.getProperty("os.arch") + ")";
            }
            tried = true;
        }
    }

    /**
     * The threads oneDNN's OpenMP pool runs: OMP_NUM_THREADS as the process started, else every
     * core. This build has no runtime setter, so the launcher and Spark's executorEnv set it.
     */
    public static int ompThreads() {
        String v = System.getenv("OMP_NUM_THREADS");
        if (v != null) {
            try {
                return Math.max(1, Integer.parseInt(v.trim().split(",")[0]));
            } catch (NumberFormatException e) {
                // fall through to all cores, as OpenMP does with a value it cannot read
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The implementation oneDNN picked, e.g. "brg_conv_fwd:avx512_core", for profiles. */
    static String impl(primitive_desc pd) {
        return "[" + pd.impl_info_str().getString() + "]";
    }

    /**
     * Walks past reference ("ref:") implementations, which run 100-1000x slower (fp32 convolution
     * on plain NCHW picked one at 0.2 GFLOPS here); keeps the last one if all are reference.
     */
    static <T extends primitive_desc> T skipReference(T pd, String what) {
        String impl = pd.impl_info_str().getString();
        while (impl.startsWith("ref") && pd.next_impl()) {
            impl = pd.impl_info_str().getString();
        }
        if (impl.startsWith("ref")) {
            LOG.warn("oneDNN has only a reference kernel for {}: {}", what, impl);
        } else {
            LOG.debug("oneDNN {}: {}", what, impl);
        }
        return pd;
    }
}
