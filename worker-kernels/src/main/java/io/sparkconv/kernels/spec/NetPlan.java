package io.sparkconv.kernels.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A net spec with every shape inferred and every parameter placed in one flat vector. Building a
 * plan is where a net that cannot work is rejected, with a message that names the layer and the
 * numbers; backends compile plans, never raw specs.
 */
public final class NetPlan {
    private final NetSpec spec;
    private final List<PlannedLayer> layers;
    private final List<String> warnings;
    private final int paramCount;

    private NetPlan(NetSpec spec, List<PlannedLayer> layers, List<String> warnings, int paramCount) {
        this.spec = spec;
        this.layers = Collections.unmodifiableList(layers);
        this.warnings = Collections.unmodifiableList(warnings);
        this.paramCount = paramCount;
    }

    public static NetPlan of(NetSpec spec) {
        List<PlannedLayer> planned = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Shape shape = spec.input();
        int offset = 0;
        int position = 0;
        for (LayerSpec layer : spec.layers()) {
            position++;
            String name = layer.name() != null ? layer.name() : layer.type() + position;
            if (!names.add(name)) {
                throw new SpecException("layer " + position + ": name '" + name + "' is used twice");
            }
            String label = "layer " + position + " '" + name + "' (" + layer.type() + ")";
            Shape in = shape;
            Shape out;
            int weights = 0;
            int biases = 0;
            int fanIn = 0;
            int fanOut = 0;
            if (layer instanceof LayerSpec.Conv c) {
                positive(label, "filters", c.filters());
                positive(label, "kernel", Math.min(c.kernel().h(), c.kernel().w()));
                positive(label, "stride", Math.min(c.stride().h(), c.stride().w()));
                if (c.pad().h() < 0 || c.pad().w() < 0) {
                    throw new SpecException(label + ": pad must be >= 0, got " + c.pad());
                }
                int oh = outputSize(label, "height", in.height(), c.kernel().h(), c.stride().h(), c.pad().h(), warnings);
                int ow = outputSize(label, "width", in.width(), c.kernel().w(), c.stride().w(), c.pad().w(), warnings);
                out = new Shape(c.filters(), oh, ow);
                weights = c.filters() * in.channels() * c.kernel().h() * c.kernel().w();
                biases = c.bias() ? c.filters() : 0;
                fanIn = in.channels() * c.kernel().h() * c.kernel().w();
                fanOut = c.filters() * c.kernel().h() * c.kernel().w();
            } else if (layer instanceof LayerSpec.MaxPool p) {
                out = poolShape(label, in, p.kernel(), p.stride(), warnings);
            } else if (layer instanceof LayerSpec.AvgPool p) {
                out = poolShape(label, in, p.kernel(), p.stride(), warnings);
            } else if (layer instanceof LayerSpec.Relu) {
                out = in;
            } else if (layer instanceof LayerSpec.Lrn l) {
                if (l.size() < 1 || l.size() % 2 == 0) {
                    throw new SpecException(label + ": size must be odd and >= 1, got " + l.size());
                }
                if (l.k() <= 0 || l.beta() < 0 || l.alpha() < 0) {
                    throw new SpecException(label + ": need k > 0, alpha >= 0, beta >= 0, got k=" + l.k()
                            + " alpha=" + l.alpha() + " beta=" + l.beta());
                }
                out = in;
            } else if (layer instanceof LayerSpec.Dense d) {
                positive(label, "units", d.units());
                out = Shape.vector(d.units());
                weights = d.units() * in.size();
                biases = d.bias() ? d.units() : 0;
                fanIn = in.size();
                fanOut = d.units();
            } else if (layer instanceof LayerSpec.Dropout d) {
                if (!(d.rate() >= 0 && d.rate() < 1)) {
                    throw new SpecException(label + ": rate must be in [0, 1), got " + d.rate());
                }
                out = in;
            } else if (layer instanceof LayerSpec.SoftmaxCrossEntropy) {
                if (position != spec.layers().size()) {
                    throw new SpecException(label + ": the softmax loss must be the last layer");
                }
                if (in.size() < 2) {
                    throw new SpecException(label + ": needs at least 2 class scores, got " + in);
                }
                out = Shape.vector(in.size());
            } else {
                throw new SpecException(label + ": unsupported layer type");
            }
            planned.add(new PlannedLayer(planned.size(), name, layer, in, out,
                    offset, weights, offset + weights, biases, fanIn, fanOut));
            offset = Math.addExact(offset, weights + biases);
            shape = out;
        }
        if (!(spec.layers().get(spec.layers().size() - 1) instanceof LayerSpec.SoftmaxCrossEntropy)) {
            throw new SpecException("net '" + spec.name() + "': the last layer must be {type: softmax} (the loss)");
        }
        return new NetPlan(spec, planned, warnings, offset);
    }

    private static void positive(String label, String field, int value) {
        if (value < 1) {
            throw new SpecException(label + ": " + field + " must be >= 1, got " + value);
        }
    }

    private static Shape poolShape(String label, Shape in, Size2 kernel, Size2 stride, List<String> warnings) {
        positive(label, "kernel", Math.min(kernel.h(), kernel.w()));
        positive(label, "stride", Math.min(stride.h(), stride.w()));
        return new Shape(in.channels(),
                outputSize(label, "height", in.height(), kernel.h(), stride.h(), 0, warnings),
                outputSize(label, "width", in.width(), kernel.w(), stride.w(), 0, warnings));
    }

    /** floor((in + 2*pad - k) / stride) + 1, rejected below 1, with a warning for uncovered input. */
    static int outputSize(String label, String axis, int in, int k, int stride, int pad, List<String> warnings) {
        int span = in + 2 * pad - k;
        if (span < 0) {
            throw new SpecException(String.format(
                    "%s: output %s would be floor((%d + 2*%d - %d) / %d) + 1 = %d, less than 1 (input %s %d is too small for kernel %d)",
                    label, axis, in, pad, k, stride, Math.floorDiv(span, stride) + 1, axis, in, k));
        }
        int dropped = span % stride;
        if (dropped != 0) {
            warnings.add(String.format("%s: stride %d drops the last %d input %s of %d (padded) along the %s: (%d + 2*%d - %d) mod %d = %d",
                    label, stride, dropped, axis.equals("height") ? "rows" : "columns", in + 2 * pad, axis,
                    in, pad, k, stride, dropped));
        }
        return span / stride + 1;
    }

    public NetSpec spec() {
        return spec;
    }

    public List<PlannedLayer> layers() {
        return layers;
    }

    /** Shape problems that do not stop the net, e.g. input rows a stride leaves uncovered. */
    public List<String> warnings() {
        return warnings;
    }

    /** Length of the flat parameter (and gradient) vector. */
    public int paramCount() {
        return paramCount;
    }

    public Shape input() {
        return spec.input();
    }

    public int classes() {
        return layers.get(layers.size() - 1).out().size();
    }

    /** The largest activation of any layer, per image, in floats. */
    public int maxActivationSize() {
        int max = spec.input().size();
        for (PlannedLayer l : layers) {
            max = Math.max(max, l.out().size());
        }
        return max;
    }

    /** A table: each layer with its output shape and parameter count, then the totals. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("net %s: input %s%n", spec.name(), spec.input()));
        sb.append(String.format("  %-3s %-14s %-9s %-14s %12s%n", "#", "layer", "type", "output", "params"));
        for (PlannedLayer l : layers) {
            sb.append(String.format("  %-3d %-14s %-9s %-14s %,12d%n", l.index() + 1, l.name(), l.spec().type(), l.out(), l.paramCount()));
        }
        sb.append(String.format("  total parameters: %,d%n", paramCount));
        for (String w : warnings) {
            sb.append("  warning: ").append(w).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
