package io.sparkconv.kernels.onednn;

import org.bytedeco.dnnl.memory;

/** Activations (or their gradients) of n images in the layout and data type a primitive chose. */
record Tensor(memory mem, memory.desc desc) {
    int ndims() {
        return desc.get_ndims();
    }
}
