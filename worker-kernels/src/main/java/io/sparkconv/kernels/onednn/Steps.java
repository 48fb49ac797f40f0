package io.sparkconv.kernels.onednn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.stream;

/**
 * An ordered list of steps (primitive executions, reorders, host code) run as one phase of a pass.
 * With {@code -Dsparkconv.onednn.profile=true} each step is timed (waiting for the stream after it)
 * and the totals are printed when the net closes: where the time of a step goes, per primitive.
 */
final class Steps {
    static final boolean PROFILE = Boolean.getBoolean("sparkconv.onednn.profile");
    private final List<String> labels = new ArrayList<>();
    private final List<Runnable> steps = new ArrayList<>();
    private long[] nanos = new long[0];
    private static final int WARMUP_RUNS = 3;
    private long runs;
    private int warmups;

    void add(String label, Runnable step) {
        labels.add(label);
        steps.add(step);
    }

    void run(stream strm) {
        if (!PROFILE) {
            for (Runnable s : steps) {
                s.run();
            }
            return;
        }
        if (nanos.length != steps.size()) {
            nanos = new long[steps.size()];
        }
        boolean warm = warmups >= WARMUP_RUNS; // the first runs pay for JIT, first touch and caches
        for (int i = 0; i < steps.size(); i++) {
            long t0 = System.nanoTime();
            steps.get(i).run();
            strm._wait();
            if (warm) {
                nanos[i] += System.nanoTime() - t0;
            }
        }
        if (warm) {
            runs++;
        } else {
            warmups++;
        }
    }

    /** label -> milliseconds per run, in step order (labels may repeat; they are summed). */
    Map<String, Double> profile() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < nanos.length; i++) {
            out.merge(labels.get(i), nanos[i] / 1e6 / Math.max(1, runs), Double::sum);
        }
        return out;
    }
}
