package io.sparkconv.kernels.java;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.parallel.ThreadTeam;

/** What one forward/backward pass shares across layers: threads, mode, the batch's keys and labels. */
final class Pass {
    final ThreadTeam team;
    boolean training;
    /** Valid in training passes; null in inference. */
    Batch batch;
    float lossScale;
    /** Set by the loss layer's forward. */
    double loss;

    Pass(ThreadTeam team) {
        this.team = team;
    }
}
