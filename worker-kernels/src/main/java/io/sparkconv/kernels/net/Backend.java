package io.sparkconv.kernels.net;

import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;

/** Turns a net plan into a runnable {@link Net}; one implementation per kernel library. */
public interface Backend {
    /** "java" or "onednn". */
    String name();

    /** Compiles the plan for batches of up to maxBatch images, running on the team's threads. */
    Net compile(NetPlan plan, int maxBatch, ThreadTeam team);
}
