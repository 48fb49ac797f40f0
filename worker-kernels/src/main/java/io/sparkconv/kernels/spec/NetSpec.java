package io.sparkconv.kernels.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * A net as a spec file describes it: the input shape, given once, and the layers in order.
 *
 * <pre>
 * name: lenet
 * input: {channels: 1, height: 28, width: 28}
 * init: he            # he (default, for ReLU nets) or glorot
 * layers:
 *   - {type: conv, filters: 20, kernel: 5}
 *   - {type: relu}
 *   ...
 *   - {type: softmax}
 * </pre>
 */
public record NetSpec(String name, Shape input, WeightInit init, List<LayerSpec> layers) {
    public NetSpec {
        if (input == null) {
            throw new IllegalArgumentException("a net needs 'input: {channels, height, width}'");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a net needs a non-empty 'layers' list");
        }
        name = name == null ? "net" : name;
        init = init == null ? WeightInit.HE : init;
        layers = List.copyOf(layers);
    }

    public static NetSpec load(Path file) {
        return SpecFiles.read(file, NetSpec.class);
    }

    /** How weights are drawn; biases always start at zero. */
    public enum WeightInit {
        /** N(0, 2/fan_in): He et al. 2015, for ReLU nets. */
        HE,
        /** U(-a, a), a = sqrt(6/(fan_in+fan_out)): Glorot and Bengio 2010. */
        GLOROT;

        @com.fasterxml.jackson.annotation.JsonCreator
        static WeightInit parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "he" -> HE;
                case "glorot", "xavier" -> GLOROT;
                default -> throw new IllegalArgumentException("init must be he or glorot, got '" + s + "'");
            };
        }

        @com.fasterxml.jackson.annotation.JsonValue
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
