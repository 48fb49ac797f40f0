package io.sparkconv.kernels.spec;

/**
 * One layer with everything inferred: its input and output shapes and where its weights and
 * biases sit in the net's flat parameter vector (weights first, then biases).
 *
 * @param fanIn  inputs feeding one output unit (for weight init)
 * @param fanOut outputs one input unit feeds (for weight init)
 */
public record PlannedLayer(
        int index,
        String name,
        LayerSpec spec,
        Shape in,
        Shape out,
        int weightOffset,
        int weightCount,
        int biasOffset,
        int biasCount,
        int fanIn,
        int fanOut) {

    public int paramCount() {
        return weightCount + biasCount;
    }

    /** "conv1 (conv)", for messages. */
    public String label() {
        return name + " (" + spec.type() + ")";
    }
}
