package io.sparkconv.kernels.net;

import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;

/** Turns a net plan into a runnable {@link Net}; one implementation per kernel library. */
public interface Backend {
    /** "java" or "onednn". */
    String name();

    /** The arithmetic of the convolutions and inner products; the Java backend's is always fp32. */
    default Precision precision() {
        return Precision.FP32;
    }

    /** Compiles the plan for batches of up to maxBatch images, running on the team's threads. */
    Net compile(NetPlan plan, int maxBatch, ThreadTeam team);
}
