package io.sparkconv.kernels.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Size2;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive_attr;

/**
 * Max pooling (with the workspace that remembers each window's argmax for backward) or average
 * pooling, floor mode, no padding: windows lie wholly inside the input, so pooling_avg_exclude_padding
 * divides by KH*KW as the Java backend does. Output and gradients keep the input's layout.
 */
final class PoolOp extends Op {
    private final boolean max;
    private final long[] kernel, strides;
    private final long[] zero = {0, 0};
    private pooling_forward.primitive_desc fwd;
    private memory workspace;
    private Tensor src;
    private Tensor dst;
    /**
     * Max pool after conv + ReLU: the ReLU's backward runs here, on the pooled output, and not on the
     * convolution's. Same gradient: max(relu(x)) = relu(max(x)), and when a window's max is > 0 its
     * argmax is a positive input, where the ReLU passes the gradient; when it is 0 the gradient is
     * 0 either way. The pooled tensor is 4x (2x2/2) or ~4.5x (3x3/2) smaller, and this pass over
     * the convolution's output was ~10% of LeNet's step.
     */
    boolean reluBackward;

    PoolOp(PlannedLayer layer) {
        super(layer);
        Size2 k, s;
        if (layer.spec() instanceof LayerSpec.MaxPool p) {
            max = true;
            k = p.kernel();
            s = p.stride();
        } else {
            LayerSpec.AvgPool p = (LayerSpec.AvgPool) layer.spec();
            max = false;
            k = p.kernel();
            s = p.stride();
        }
        kernel = new long[] {k.h(), k.w()};
        strides = new long[] {s.h(), s.w()};
    }

    private algorithm alg() {
        return max ? algorithm.pooling_max : algorithm.pooling_avg_exclude_padding;
    }

    // x is (n, C, H, W); y will be (n, C, OH, OW)
    @Override
    Tensor forward(Graph g, Tensor x) {
        src = x;
        long[] dstDims = {g.n, layer.out().channels(), layer.out().height(), layer.out().width()};
        fwd = g.keep(OneDnn.skipReference(new pooling_forward.primitive_desc(g.eng, prop_kind.forward_training, alg(),
                x.desc(), g.any(dstDims, x.desc().get_data_type()), strides, kernel, zero, zero, zero,
                g.keep(new primitive_attr()), false), layer.label() + " forward"));
        dst = new Tensor(g.alloc(fwd.dst_desc()), fwd.dst_desc());
        if (max) {
            workspace = g.alloc(fwd.workspace_desc());
            g.exec(g.forwardSteps, layer.name() + " pooling_forward" + " " + OneDnn.impl(fwd), new pooling_forward(fwd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE},
                    x.mem(), dst.mem(), workspace);
        } else {
            g.exec(g.forwardSteps, layer.name() + " pooling_forward" + " " + OneDnn.impl(fwd), new pooling_forward(fwd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, x.mem(), dst.mem());
        }
        return dst;
    }

    // max:  y[j] = x[argmax j]  =>  dx[argmax j] += dy[j];  avg: every x in the window gets dy / (KH*KW)
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        if (!needDx) {
            return null;
        }
        pooling_backward.primitive_desc bwd = g.keep(OneDnn.skipReference(new pooling_backward.primitive_desc(g.eng,
                alg(), src.desc(), fwd.dst_desc(), strides, kernel, zero, zero, zero, fwd,
                g.keep(new primitive_attr()), false), layer.label() + " backward"));
        Tensor d = g.as(reluBackward ? ReluOp.backwardFromDst(g, layer, dst, dy) : dy, bwd.diff_dst_desc(), g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(bwd.diff_src_desc()), bwd.diff_src_desc());
        if (max) {
            g.exec(g.backwardSteps, layer.name() + " pooling_backward" + " " + OneDnn.impl(bwd), new pooling_backward(bwd), new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE},
                    d.mem(), dx.mem(), workspace);
        } else {
            g.exec(g.backwardSteps, layer.name() + " pooling_backward" + " " + OneDnn.impl(bwd), new pooling_backward(bwd), new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}, d.mem(), dx.mem());
        }
        return dx;
    }
}
