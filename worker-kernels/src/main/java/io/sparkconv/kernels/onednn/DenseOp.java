package io.sparkconv.kernels.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;

/**
 * Fully connected as oneDNN's inner product, with a following ReLU fused as a post-op. Runs on
 * plain (n, IN) inputs and (OUT, IN) weights, the flat vector's own layout (see forward).
 * In bf16 the net's last inner product writes fp32 scores, so the loss sees full-precision logits.
 */
final class DenseOp extends Op {
    private final boolean relu;
    private final boolean last;
    private long[] srcDims, weiDims, dstDims;
    /** The input's 4-D dims when it came in 4-D (its gradient goes back 4-D), else null. */
    private long[] inDims4;
    private inner_product_forward.primitive_desc fwd;
    private Tensor src;
    private Tensor dst;

    DenseOp(PlannedLayer layer, boolean relu, boolean last) {
        super(layer);
        this.relu = relu;
        this.last = last;
    }

    // x is (n, IN) or (n, C, H, W), weight is (OUT, IN), bias is (OUT); y will be (n, OUT)
    @Override
    Tensor forward(Graph g, Tensor x) {
        long out = layer.out().size();
        long in = layer.in().size();
        srcDims = new long[] {g.n, in};
        weiDims = new long[] {out, in};
        dstDims = new long[] {g.n, out};
        g.net.params(layer.index()).shapeWeights(weiDims);
        // A 4-D input is made plain NCHW (in the pass's data type) and read as (n, C*H*W): the weights
        // can then stay in the flat vector's (OUT, IN) layout, in which the primitives run as fast,
        // instead of a blocked 4-D layout that costs a reorder each way per step (AlexNet's fc6:
        // 150 ms for the weights and 140 ms for their gradient per step, more than its three
        // primitives together).
        if (x.ndims() == 4) {
            inDims4 = Graph.dims(x.desc());
            Tensor x4 = g.as(x, g.plain(inDims4, g.dt), g.forwardSteps);
            x = g.view(x4, g.plain(srcDims, g.dt));
        }
        primitive_attr attr = g.keep(new primitive_attr());
        if (relu) {
            post_ops ops = g.keep(new post_ops());
            ops.append_eltwise(algorithm.eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        memory.data_type outType = last ? memory.data_type.f32 : g.dt;
        memory.desc bias = biasDesc(g);
        memory.desc plainSrc = g.plain(srcDims, g.dt);
        memory.desc plainWei = g.plain(weiDims, g.dt);
        fwd = g.keep(OneDnn.skipReference(bias != null
                ? new inner_product_forward.primitive_desc(g.eng, prop_kind.forward_training,
                        plainSrc, plainWei, bias, g.any(dstDims, outType), attr, false)
                : new inner_product_forward.primitive_desc(g.eng, prop_kind.forward_training,
                        plainSrc, plainWei, g.any(dstDims, outType), attr, false),
                layer.label() + " forward"));
        src = g.as(x, fwd.src_desc(), g.forwardSteps);
        memory w = g.weights(layer, fwd.weights_desc());
        dst = new Tensor(g.alloc(fwd.dst_desc()), fwd.dst_desc());
        if (layer.biasCount() > 0) {
            g.exec(g.forwardSteps, layer.name() + " inner_product_forward " + OneDnn.impl(fwd), new inner_product_forward(fwd),
                    new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                    src.mem(), w, g.net.params(layer.index()).userBias(), dst.mem());
        } else {
            g.exec(g.forwardSteps, layer.name() + " inner_product_forward " + OneDnn.impl(fwd), new inner_product_forward(fwd),
                    new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, src.mem(), w, dst.mem());
        }
        return dst;
    }

    private memory.desc biasDesc(Graph g) {
        return layer.biasCount() > 0 ? g.plain(new long[] {layer.biasCount()}) : null;
    }

    // forward: y = relu(x W^T + b)  =>  dz = dy where y > 0;  dW = dz^T x;  db = colsum(dz);  dx = dz W
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        Tensor dz = relu ? ReluOp.backwardFromDst(g, layer, dst, dy) : dy;
        memory.desc bias = biasDesc(g);
        memory.desc anySrc = g.plain(srcDims, g.dt);
        memory.desc anyDw = g.plain(weiDims);
        memory.desc anyDst = g.any(dstDims, g.dt);
        primitive_attr none = g.keep(new primitive_attr());
        inner_product_backward_weights.primitive_desc bw = g.keep(OneDnn.skipReference(bias != null
                ? new inner_product_backward_weights.primitive_desc(g.eng, anySrc, anyDw, bias, anyDst, fwd, none, false)
                : new inner_product_backward_weights.primitive_desc(g.eng, anySrc, anyDw, anyDst, fwd, none, false),
                layer.label() + " backward-weights"));
        g.backwardWeights(layer, "inner_product_backward_weights", bw, new inner_product_backward_weights(bw), src, dz, bias);
        if (!needDx) {
            return null;
        }
        inner_product_backward_data.primitive_desc bd = g.keep(OneDnn.skipReference(
                new inner_product_backward_data.primitive_desc(g.eng, g.plain(srcDims, g.dt), g.plain(weiDims, g.dt),
                        g.any(dstDims, g.dt), fwd, g.keep(new primitive_attr()), false),
                layer.label() + " backward-data"));
        memory w = g.weights(layer, bd.weights_desc());
        Tensor bdDz = g.as(dz, bd.diff_dst_desc(), g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(bd.diff_src_desc()), bd.diff_src_desc());
        g.exec(g.backwardSteps, layer.name() + " inner_product_backward_data" + " " + OneDnn.impl(bd), new inner_product_backward_data(bd),
                new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC}, bdDz.mem(), w, dx.mem());
        return inDims4 == null ? dx : g.view(dx, g.plain(inDims4, g.dt));
    }
}
