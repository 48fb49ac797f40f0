package io.sparkconv.kernels.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.primitive_attr;

/**
 * y = max(0, x) as an eltwise primitive, for a ReLU that does not follow a convolution or inner
 * product (those fuse it as a post-op). Backward reads y, not x (relu_use_dst_for_bwd).
 */
final class ReluOp extends Op {
    private Tensor dst;

    ReluOp(PlannedLayer layer) {
        super(layer);
    }

    // x is (n, ...) in any layout; y will be the same shape and layout
    @Override
    Tensor forward(Graph g, Tensor x) {
        eltwise_forward.primitive_desc fwd = g.keep(new eltwise_forward.primitive_desc(g.eng, prop_kind.forward_training,
                algorithm.eltwise_relu_use_dst_for_bwd, x.desc(), x.desc(), 0f, 0f, g.keep(new primitive_attr()), false));
        dst = new Tensor(g.alloc(x.desc()), x.desc());
        g.exec(g.forwardSteps, layer.name() + " eltwise_forward" + " " + OneDnn.impl(fwd), new eltwise_forward(fwd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, x.mem(), dst.mem());
        return dst;
    }

    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        return needDx ? backwardFromDst(g, layer, dst, dy) : null;
    }

    // forward: y = max(0, x)  =>  dx = dy where y > 0
    static Tensor backwardFromDst(Graph g, PlannedLayer layer, Tensor y, Tensor dy) {
        eltwise_forward.primitive_desc hint = g.keep(new eltwise_forward.primitive_desc(g.eng, prop_kind.forward_training,
                algorithm.eltwise_relu_use_dst_for_bwd, y.desc(), y.desc(), 0f, 0f, g.keep(new primitive_attr()), false));
        eltwise_backward.primitive_desc bwd = g.keep(OneDnn.skipReference(new eltwise_backward.primitive_desc(g.eng,
                algorithm.eltwise_relu_use_dst_for_bwd, y.desc(), y.desc(), y.desc(), 0f, 0f, hint,
                g.keep(new primitive_attr()), false), layer.label() + " relu backward"));
        Tensor d = g.as(dy, y.desc(), g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(y.desc()), y.desc());
        g.exec(g.backwardSteps, layer.name() + " eltwise_backward" + " " + OneDnn.impl(bwd), new eltwise_backward(bwd), new int[] {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
                y.mem(), d.mem(), dx.mem());
        return dx;
    }
}
