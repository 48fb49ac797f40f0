package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/** One parameter layer's fp32 master copy in native memory, in the user layout (the flat vector's own). */
final class MasterWeights {
    private final PlannedLayer layer;
    private final engine eng;
    private memory.desc weightsDesc;
    private memory weights;
    private FloatPointer weightsData;
    private memory.desc biasDesc;
    private memory bias;
    private FloatPointer biasData;

    MasterWeights(PlannedLayer layer, engine eng) {
        this.layer = layer;
        this.eng = eng;
        if (layer.biasCount() > 0) {
            biasDesc = new memory.desc(new long[] {layer.biasCount()}, memory.data_type.f32, memory.format_tag.a);
            bias = new memory(biasDesc, eng);
            biasData = new FloatPointer(bias.get_data_handle());
        }
    }

    /**
     * Fixes the user layout of the weights: (OUT, IN) or (OUT, C, H, W) for an inner product
     * after a 4-D tensor, (Cout, Cin, KH, KW) for a convolution; row-major either way, so the
     * same floats as the flat vector's slice.
     */
    void shapeWeights(long[] dims) {
        if (weights != null) {
            if (Graph.dims(weightsDesc).length != dims.length) {
                throw new IllegalStateException(layer.label() + ": weights seen as rank "
                        + Graph.dims(weightsDesc).length + " and " + dims.length);
            }
            return;
        }
        weightsDesc = new memory.desc(dims, memory.data_type.f32,
                dims.length == 4 ? memory.format_tag.abcd : memory.format_tag.ab);
        weights = new memory(weightsDesc, eng);
        weightsData = new FloatPointer(weights.get_data_handle());
    }

    memory.desc userWeightsDesc() {
        return weightsDesc;
    }

    memory userWeights() {
        return weights;
    }

    memory userBias() {
        return bias;
    }

    void upload(float[] params) {
        if (weights != null) {
            weightsData.put(params, layer.weightOffset(), layer.weightCount());
        }
        if (bias != null) {
            biasData.put(params, layer.biasOffset(), layer.biasCount());
        }
    }

    void close() {
        for (org.bytedeco.javacpp.Pointer p : new org.bytedeco.javacpp.Pointer[] {
                weightsData, weights, weightsDesc, biasData, bias, biasDesc}) {
            if (p != null) {
                p.close();
            }
        }
    }
}
