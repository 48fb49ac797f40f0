package io.sparkconv.kernels.testing;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Size2;
import java.util.List;

/**
 * How far a correct float32 result may lie from the exact one, derived from the arithmetic rather
 * than from what one CPU happened to print: AVX2, AVX-512 and AMX kernels block their sums
 * differently, so two correct implementations differ by rounding alone, and by how much depends
 * on the lengths of the sums, not on the machine.
 *
 * <p>The model. A float32 sum of L terms is within about {@code u * sqrt(L) * sum|terms|} of the
 * exact sum with high probability (unit roundoff u = 2^-24; Higham and Mary, "A new approach to
 * probabilistic rounding error analysis", SIAM J. Sci. Comput. 41(5), 2019), and for terms of
 * mixed sign, as in every gradient, {@code sum|terms|} is about {@code sqrt(L)} times the result,
 * so the relative error is about {@code u * L}. To first order the relative errors of the
 * reductions a quantity depends on add up. A parameter slice's gradient depends on every forward
 * reduction (the loss sees them all), on the backward-data reductions of the layers above it, and on
 * its own weight-gradient reduction over the batch and the output positions; the loss and the
 * probabilities depend on the forward reductions. The bound is {@code u * sum(L)} against an
 * exact (float64) reference, twice that between two float32 implementations.
 *
 * <p>It is measured in the max norm {@code max|v - ref| / max|ref|} over the slice. What it does
 * not cover: a max-pool window whose two largest inputs are within rounding of each other sends
 * the gradient to another pixel in one implementation (an O(1) change of a few coordinates), which
 * is why the net tests compare few rounds.
 */
public final class RoundingBound {
    /** float32's unit roundoff, 2^-24. */
    public static final double U = Math.ulp(1.0f) / 2;

    private RoundingBound() {}

    /** Terms per output element of the layer's forward pass. */
    static long forward(PlannedLayer l) {
        LayerSpec s = l.spec();
        if (s instanceof LayerSpec.Conv c) {
            return (long) l.in().channels() * area(c.kernel()) + 1;
        } else if (s instanceof LayerSpec.Dense) {
            return l.in().size() + 1L;
        } else if (s instanceof LayerSpec.AvgPool p) {
            return area(p.kernel());
        } else if (s instanceof LayerSpec.Lrn n) {
            return n.size() + 3L; // the window's sum of squares, then k + alpha/size * sum, its power, the product
        } else if (s instanceof LayerSpec.SoftmaxCrossEntropy) {
            return l.in().size() + 2L; // the sum of exponentials, its logarithm, the difference
        }
        return 1; // relu, max pool (exact), dropout (one product)
    }

    /** Terms per input element of the layer's backward-data pass. */
    static long backwardData(PlannedLayer l) {
        LayerSpec s = l.spec();
        if (s instanceof LayerSpec.Conv c) {
            return (long) l.out().channels() * area(c.kernel());
        } else if (s instanceof LayerSpec.Dense) {
            return l.out().size();
        } else if (s instanceof LayerSpec.AvgPool p) {
            return overlap(p.kernel(), p.stride());
        } else if (s instanceof LayerSpec.MaxPool p) {
            return overlap(p.kernel(), p.stride());
        } else if (s instanceof LayerSpec.Lrn n) {
            return 2L * n.size() + 3;
        }
        return 1;
    }

    /** Terms of one weight (or bias) gradient: every image and output position of the batch. */
    static long weightGradient(PlannedLayer l, int batch) {
        return (long) batch * l.out().height() * l.out().width();
    }

    /** The summed reduction lengths of the forward pass: what the loss and the probabilities depend on. */
    public static long forwardLength(NetPlan plan) {
        long sum = 0;
        for (PlannedLayer l : plan.layers()) {
            sum += forward(l);
        }
        return sum;
    }

    /** The summed reduction lengths the gradient of layer's parameters depends on, for a batch of n. */
    public static long gradientLength(NetPlan plan, PlannedLayer layer, int n) {
        long sum = forwardLength(plan) + weightGradient(layer, n);
        List<PlannedLayer> layers = plan.layers();
        for (int j = layer.index() + 1; j < layers.size(); j++) {
            sum += backwardData(layers.get(j));
        }
        return sum;
    }

    /** The bound on the loss and the probabilities against an exact reference (times 2 between two float32 ones). */
    public static double outputs(NetPlan plan) {
        return U * forwardLength(plan);
    }

    /** The bound on one layer's weight or bias gradient against an exact reference. */
    public static double gradient(NetPlan plan, PlannedLayer layer, int n) {
        return U * gradientLength(plan, layer, n);
    }

    /** The largest gradient bound of any parameter layer: the bound of the whole flat gradient vector. */
    public static double wholeGradient(NetPlan plan, int n) {
        double worst = 0;
        for (PlannedLayer l : plan.layers()) {
            if (l.paramCount() > 0) {
                worst = Math.max(worst, gradient(plan, l, n));
            }
        }
        return worst;
    }

    private static long area(Size2 k) {
        return (long) k.h() * k.w();
    }

    /** How many windows one input element can fall in. */
    private static long overlap(Size2 k, Size2 stride) {
        return (long) ceilDiv(k.h(), stride.h()) * ceilDiv(k.w(), stride.w());
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
