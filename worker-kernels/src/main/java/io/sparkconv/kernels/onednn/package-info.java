/**
 * The native backend: every layer's forward and backward through oneDNN 3.8.1 primitives
 * (JavaCPP's {@code org.bytedeco:dnnl}), behind the same {@link io.sparkconv.kernels.net.Net} as the
 * Java backend and checked against it (src/test/.../onednn).
 *
 * <p>What it does: convolution forward / backward-data / backward-weights with bias, and the ReLU
 * after a convolution or inner product fused as a post-op (its backward from the saved output);
 * max pooling with workspace and average pooling; LRN across channels; inner product; standalone
 * ReLU. Layouts are oneDNN's choice (format any) and stay in it between layers; the NCHW input is
 * converted once at the entry, weights once per parameter update. fp32, or bf16 activations and
 * weights with fp32 master weights, gradients and update ({@link io.sparkconv.kernels.cpu.Precision}).
 *
 * <p>What it deliberately does not: dropout, softmax cross-entropy and the SGD update run on the
 * host in Java, because dropout masks must be the keyed function of (seed, epoch, sample, layer) the
 * Java backend draws, and the other two are a few thousand numbers or a streaming pass over the flat
 * vectors the optimizer and the all-reduce own. Threads: oneDNN's OpenMP pool is sized by
 * OMP_NUM_THREADS when the process starts; nothing here can change it.
 *
 * <p>Reading order: {@link io.sparkconv.kernels.onednn.OneDnnNet} (the Net, parameters, one graph
 * per batch size), {@code Graph} (primitives, memories and steps of one batch size; where reorders
 * go), then one {@code *Op} per layer type.
 */
package io.sparkconv.kernels.onednn;
import io.sparkconv.kernels.cpu.Precision;
