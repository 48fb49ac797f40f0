package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.spec.PlannedLayer;

/**
 * One layer of a {@link Graph}: at build time it appends its forward steps (given the tensor
 * coming in) and later, in reverse order, its backward steps (given the gradient coming back).
 */
abstract class Op {
    final PlannedLayer layer;

    Op(PlannedLayer layer) {
        this.layer = layer;
    }

    /** Appends the forward steps; returns the output tensor. */
    abstract Tensor forward(Graph g, Tensor x);

    /**
     * Appends the backward steps for output gradient dy; returns the input gradient, or null
     * when needDx is false (the first layer: its input is data).
     */
    abstract Tensor backward(Graph g, Tensor dy, boolean needDx);
}
