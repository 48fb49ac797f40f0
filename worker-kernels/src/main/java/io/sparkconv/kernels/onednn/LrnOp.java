package io.sparkconv.kernels.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.lrn_backward;
import org.bytedeco.dnnl.lrn_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;

/**
 * Local response normalization across channels. oneDNN's lrn_across_channels divides alpha by the
 * window size, as Caffe, PyTorch and the Java backend do (checked by OneDnnLayerTest). It runs in
 * the layout the convolution before it chose: on plain NCHW its backward is a reference kernel
 * (about 1 s against 12 ms blocked, measured).
 */
final class LrnOp extends Op {
    private final LayerSpec.Lrn spec;
    private lrn_forward.primitive_desc fwd;
    private memory workspace;
    private Tensor src;

    LrnOp(PlannedLayer layer) {
        super(layer);
        this.spec = (LayerSpec.Lrn) layer.spec();
    }

    // x is (n, C, H, W); y will be (n, C, H, W), same layout
    @Override
    Tensor forward(Graph g, Tensor x) {
        src = x;
        fwd = g.keep(OneDnn.skipReference(new lrn_forward.primitive_desc(g.eng, prop_kind.forward_training,
                algorithm.lrn_across_channels, x.desc(), x.desc(), spec.size(), spec.alpha(), spec.beta(), spec.k(),
                g.keep(new primitive_attr()), false), layer.label() + " forward"));
        workspace = g.alloc(fwd.workspace_desc());
        Tensor dst = new Tensor(g.alloc(fwd.dst_desc()), fwd.dst_desc());
        g.exec(g.forwardSteps, layer.name() + " lrn_forward" + " " + OneDnn.impl(fwd), new lrn_forward(fwd), new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE},
                x.mem(), dst.mem(), workspace);
        return dst;
    }

    // forward: y_c = x_c * s_c^-beta, s_c = k + alpha/size * sum_{c' near c} x_c'^2
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        if (!needDx) {
            return null;
        }
        lrn_backward.primitive_desc bwd = g.keep(OneDnn.skipReference(new lrn_backward.primitive_desc(g.eng,
                algorithm.lrn_across_channels, src.desc(), src.desc(), src.desc(), spec.size(), spec.alpha(), spec.beta(),
                spec.k(), fwd, g.keep(new primitive_attr()), false), layer.label() + " backward"));
        Tensor d = g.as(dy, bwd.diff_dst_desc(), g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(bwd.diff_src_desc()), bwd.diff_src_desc());
        g.exec(g.backwardSteps, layer.name() + " lrn_backward" + " " + OneDnn.impl(bwd), new lrn_backward(bwd),
                new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE},
                src.mem(), d.mem(), dx.mem(), workspace);
        return dx;
    }
}
