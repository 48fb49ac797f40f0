package io.sparkconv.kernels.train;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import java.io.IOException;

/**
 * The {@link Replicas} of a net in this process: forward and backward over this replica's share of
 * each global batch, then the gradient (and the loss, and validation's sums) summed through a
 * {@link Communicator}: {@link Communicator#SINGLE} for one process, the ring for a barrier worker.
 */
public final class NetPasses implements Replicas {
    /** Runs just before a step's sums (the failure tests stall a worker there). */
    public interface BeforeSum {
        void at(int epoch, int step);
    }

    /** This replica's share of validation, with the net's current parameters. */
    @FunctionalInterface
    public interface Scorer {
        ValidationScores score(Net net) throws IOException;
    }

    private final Net net;
    private final BatchSource batches;
    private final int globalBatch;
    private final Communicator comm;
    private final Scorer scorer;
    private final float[] scalars = new float[3];
    private BeforeSum beforeSum = (epoch, step) -> {};
    private long computeNanos;
    private long sumNanos;
    private long steps;

    /**
     * @param globalBatch B, the images of a step over all replicas: gradients are scaled by 1/B
     * @param scorer      this replica's share of validation, with the net's current parameters
     */
    public NetPasses(Net net, BatchSource batches, int globalBatch, Communicator comm,
                     Scorer scorer) {
        this.net = net;
        this.batches = batches;
        this.globalBatch = globalBatch;
        this.comm = comm;
        this.scorer = scorer;
    }

    public NetPasses beforeSum(BeforeSum hook) {
        this.beforeSum = hook;
        return this;
    }

    @Override
    public double gradient(int epoch, int step) throws IOException {
        Batch batch = batches.batch(epoch, step);
        long t0 = System.nanoTime();
        double loss = net.forwardBackward(batch, 1f / globalBatch);
        long t1 = System.nanoTime();
        beforeSum.at(epoch, step);
        float[] grads = net.gradients();
        comm.sum(grads, 0, grads.length);
        if (comm.size() > 1) {
            // One float more through the ring, so that every replica holds the batch's loss and
            // stops at the same step when it is not finite.
            scalars[0] = (float) loss;
            comm.sum(scalars, 0, 1);
            loss = scalars[0];
        }
        computeNanos += t1 - t0;
        sumNanos += System.nanoTime() - t1;
        steps++;
        return loss;
    }

    @Override
    public ValidationScores validate() throws IOException {
        ValidationScores mine = scorer.score(net);
        if (comm.size() == 1) {
            return mine;
        }
        scalars[0] = (float) mine.correct();
        scalars[1] = (float) mine.lossSum();
        scalars[2] = mine.images();
        comm.sum(scalars, 0, 3);
        return new ValidationScores(scalars[0], scalars[1], (long) scalars[2]);
    }

    /** Mean forward + backward time per step so far, ms. */
    public double computeMillisPerStep() {
        return computeNanos / 1e6 / Math.max(1, steps);
    }

    /** Mean time per step the step waited for its batch so far, ms (0 when data was always ready). */
    public double dataWaitMillisPerStep() {
        return batches.waitNanos() / 1e6 / Math.max(1, steps);
    }

    /** Mean time in the step's sums per step so far, ms (0 for one process). */
    public double sumMillisPerStep() {
        return sumNanos / 1e6 / Math.max(1, steps);
    }
}
