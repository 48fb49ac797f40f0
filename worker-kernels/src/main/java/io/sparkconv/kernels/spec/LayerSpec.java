package io.sparkconv.kernels.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One entry of a net spec's {@code layers:} list, in the spirit of ConvNetJS's layer
 * definitions: a {@code type} and the few numbers that type needs. Shapes are never written;
 * {@link NetPlan} infers them from the input shape.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LayerSpec.Conv.class, name = "conv"),
    @JsonSubTypes.Type(value = LayerSpec.MaxPool.class, name = "maxpool"),
    @JsonSubTypes.Type(value = LayerSpec.AvgPool.class, name = "avgpool"),
    @JsonSubTypes.Type(value = LayerSpec.Relu.class, name = "relu"),
    @JsonSubTypes.Type(value = LayerSpec.Lrn.class, name = "lrn"),
    @JsonSubTypes.Type(value = LayerSpec.Dense.class, name = "dense"),
    @JsonSubTypes.Type(value = LayerSpec.Dropout.class, name = "dropout"),
    @JsonSubTypes.Type(value = LayerSpec.SoftmaxCrossEntropy.class, name = "softmax"),
})
public sealed interface LayerSpec {
    /** The name printed and used in messages; {@code null} means "type + position". */
    String name();

    /** The spec's type word, as written in YAML. */
    String type();

    /** Convolution: {@code filters} output channels, kernel KH x KW, stride, zero padding. */
    record Conv(String name, Integer filters, Size2 kernel, Size2 stride, Size2 pad, Boolean bias) implements LayerSpec {
        public Conv {
            if (filters == null) {
                throw new IllegalArgumentException("conv needs 'filters'");
            }
            stride = stride == null ? Size2.square(1) : stride;
            pad = pad == null ? Size2.square(0) : pad;
            bias = bias == null ? Boolean.TRUE : bias;
            if (kernel == null) {
                throw new IllegalArgumentException("conv needs 'kernel'");
            }
        }

        @Override
        public String type() {
            return "conv";
        }
    }

    /** Max pooling; pools may overlap (stride < kernel), as AlexNet's 3x3 stride 2. */
    record MaxPool(String name, Size2 kernel, Size2 stride) implements LayerSpec {
        public MaxPool {
            if (kernel == null) {
                throw new IllegalArgumentException("maxpool needs 'kernel'");
            }
            stride = stride == null ? kernel : stride;
        }

        @Override
        public String type() {
            return "maxpool";
        }
    }

    /** Average pooling over windows that lie wholly inside the input. */
    record AvgPool(String name, Size2 kernel, Size2 stride) implements LayerSpec {
        public AvgPool {
            if (kernel == null) {
                throw new IllegalArgumentException("avgpool needs 'kernel'");
            }
            stride = stride == null ? kernel : stride;
        }

        @Override
        public String type() {
            return "avgpool";
        }
    }

    record Relu(String name) implements LayerSpec {
        @Override
        public String type() {
            return "relu";
        }
    }

    /**
     * Local response normalization across channels (Krizhevsky et al. 2012, section 3.3):
     * b_c = a_c / (k + alpha/n * sum of a^2 over the n channels centred on c)^beta. alpha is
     * divided by n as in Caffe and PyTorch; the paper's alpha=1e-4 is then the same number.
     */
    record Lrn(String name, Integer size, Float alpha, Float beta, Float k) implements LayerSpec {
        public Lrn {
            size = size == null ? 5 : size;
            alpha = alpha == null ? 1e-4f : alpha;
            beta = beta == null ? 0.75f : beta;
            k = k == null ? 1f : k;
        }

        @Override
        public String type() {
            return "lrn";
        }
    }

    /** Fully connected; flattens whatever comes in. */
    record Dense(String name, Integer units, Boolean bias) implements LayerSpec {
        public Dense {
            if (units == null) {
                throw new IllegalArgumentException("dense needs 'units'");
            }
            bias = bias == null ? Boolean.TRUE : bias;
        }

        @Override
        public String type() {
            return "dense";
        }
    }

    /** Inverted dropout: drops with probability {@code rate} in training, identity otherwise. */
    record Dropout(String name, Float rate) implements LayerSpec {
        public Dropout {
            rate = rate == null ? 0.5f : rate;
        }

        @Override
        public String type() {
            return "dropout";
        }
    }

    /** The loss: softmax over the incoming scores, cross-entropy against the label. Last layer only. */
    record SoftmaxCrossEntropy(String name) implements LayerSpec {
        @Override
        public String type() {
            return "softmax";
        }
    }
}
