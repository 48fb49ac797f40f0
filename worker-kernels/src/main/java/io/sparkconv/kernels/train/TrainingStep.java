package io.sparkconv.kernels.train;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;

/**
 * One synchronous SGD step on the flat vectors, in two halves so that a distributed worker can
 * all-reduce between them: {@link #computeGradients} over this worker's share of the global batch,
 * then {@link #applyUpdate}. A single process calls both with its share = the whole batch. The
 * step does not know where batches come from.
 */
public final class TrainingStep {
    private final Net net;
    private final Sgd sgd;
    private final ThreadTeam team;

    public TrainingStep(Net net, Sgd sgd, ThreadTeam team) {
        this.net = net;
        this.sgd = sgd;
        this.team = team;
    }

    public Net net() {
        return net;
    }

    public Sgd sgd() {
        return sgd;
    }

    /**
     * Forward and backward over this worker's share; afterwards {@code net.gradients()} holds this
     * share's part of the gradient of the mean loss over the global batch. Returns the share's part
     * of that mean loss (the parts add up to the batch mean).
     */
    public double computeGradients(Batch share, int globalBatchSize) {
        return net.forwardBackward(share, 1f / globalBatchSize);
    }

    /** Applies the (all-reduced) gradient with learning rate lr. */
    public void applyUpdate(double lr) {
        sgd.apply(net.parameters(), net.gradients(), lr, team);
        net.parametersChanged();
    }

    /** Both halves, for one process holding the whole batch; returns the batch's mean loss. */
    public double run(Batch batch, double lr) {
        double loss = computeGradients(batch, batch.size());
        applyUpdate(lr);
        return loss;
    }
}
