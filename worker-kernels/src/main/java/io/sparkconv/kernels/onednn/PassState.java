package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.net.Batch;

/** What the host-side steps of one pass read: mode, the batch's keys and labels, the loss scale. */
final class PassState {
    boolean training;
    /** Valid in training passes; null in inference. */
    Batch batch;
    float lossScale;
    /** Set by the loss step. */
    double loss;
}
