package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Shape;

/**
 * A layer of the Java backend. Activations are NCHW float arrays of n images. Parameters and
 * gradients are views (offsets) into the net's flat vectors; backward accumulates into the gradient
 * view, which the net zeroes before each pass.
 */
abstract class JavaLayer {
    final PlannedLayer plan;
    final Shape in;
    final Shape out;

    JavaLayer(PlannedLayer plan) {
        this.plan = plan;
        this.in = plan.in();
        this.out = plan.out();
    }

    /** x is (n, in), y will be (n, out). */
    abstract void forward(float[] x, float[] y, int n, Pass pass);

    /**
     * x, y as in forward; dy is (n, out); dx will be (n, in), overwritten. dx is null for the first
     * layer, whose input needs no gradient.
     */
    abstract void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass);

    /** Splits n*count elementwise work into chunks for the team, in cache-friendly blocks. */
    static void elementwise(Pass pass, int total, ChunkBody body) {
        final int chunk = 1 << 15;
        int chunks = (total + chunk - 1) / chunk;
        pass.team.forEach(chunks, c -> body.run(c * chunk, Math.min(total, (c + 1) * chunk)));
    }

    @FunctionalInterface
    interface ChunkBody {
        void run(int from, int to);
    }
}
