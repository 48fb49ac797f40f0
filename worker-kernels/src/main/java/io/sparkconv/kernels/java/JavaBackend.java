package io.sparkconv.kernels.java;

import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;

/** The pure-Java backend: the reference every other backend is checked against, and the fallback. */
public final class JavaBackend implements Backend {
    public static final String NAME = "java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Net compile(NetPlan plan, int maxBatch, ThreadTeam team) {
        return new JavaNet(plan, maxBatch, team);
    }
}
