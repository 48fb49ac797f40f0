package io.sparkconv.kernels.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;

/**
 * Convolution with bias, and the ReLU that follows it fused as a post-op. Backward: the ReLU's
 * backward from the saved output (relu_use_dst_for_bwd), then backward-weights (with bias) and,
 * unless this is the first layer, backward-data.
 */
final class ConvOp extends Op {
    private final boolean relu;
    /** Set when a max pool follows the ReLU and runs its backward on the pooled tensor instead. */
    boolean reluBackwardInPool;
    private final LayerSpec.Conv spec;
    private long[] strides, padL, padR, srcDims, weiDims, dstDims;
    private convolution_forward.primitive_desc fwd;
    private Tensor src; // the input as the forward primitive read it
    private Tensor dst;

    ConvOp(PlannedLayer layer, boolean relu) {
        super(layer);
        this.relu = relu;
        this.spec = (LayerSpec.Conv) layer.spec();
    }

    // x is (n, Cin, H, W), weight is (Cout, Cin, KH, KW), bias is (Cout); y will be (n, Cout, OH, OW)
    @Override
    Tensor forward(Graph g, Tensor x) {
        long n = g.n;
        srcDims = new long[] {n, layer.in().channels(), layer.in().height(), layer.in().width()};
        weiDims = new long[] {layer.out().channels(), layer.in().channels(), spec.kernel().h(), spec.kernel().w()};
        dstDims = new long[] {n, layer.out().channels(), layer.out().height(), layer.out().width()};
        strides = new long[] {spec.stride().h(), spec.stride().w()};
        padL = new long[] {spec.pad().h(), spec.pad().w()};
        // oneDNN checks OH = (H + padL + padR - KH) / SH + 1 with integer division: floor mode
        // with symmetric padding, as the plan computes it.
        padR = padL.clone();
        g.net.params(layer.index()).shapeWeights(weiDims);
        primitive_attr attr = g.keep(new primitive_attr());
        if (relu) {
            org.bytedeco.dnnl.post_ops ops = g.keep(new org.bytedeco.dnnl.post_ops());
            ops.append_eltwise(algorithm.eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        memory.desc bias = biasDesc(g);
        fwd = g.keep(OneDnn.skipReference(bias != null
                ? new convolution_forward.primitive_desc(g.eng, prop_kind.forward_training, algorithm.convolution_direct,
                        g.act(srcDims), g.any(weiDims, g.dt), bias, g.act(dstDims), strides, padL, padR, attr, false)
                : new convolution_forward.primitive_desc(g.eng, prop_kind.forward_training, algorithm.convolution_direct,
                        g.act(srcDims), g.any(weiDims, g.dt), g.act(dstDims), strides, padL, padR, attr, false),
                layer.label() + " forward"));
        src = g.as(x, fwd.src_desc(), g.forwardSteps);
        memory w = g.weights(layer, fwd.weights_desc());
        dst = new Tensor(g.alloc(fwd.dst_desc()), fwd.dst_desc());
        if (bias != null) {
            g.exec(g.forwardSteps, layer.name() + " convolution_forward" + " " + OneDnn.impl(fwd), new convolution_forward(fwd),
                    new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                    src.mem(), w, g.net.params(layer.index()).userBias(), dst.mem());
        } else {
            g.exec(g.forwardSteps, layer.name() + " convolution_forward" + " " + OneDnn.impl(fwd), new convolution_forward(fwd),
                    new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, src.mem(), w, dst.mem());
        }
        return dst;
    }

    private memory.desc biasDesc(Graph g) {
        return layer.biasCount() > 0 ? g.plain(new long[] {layer.biasCount()}) : null;
    }

    // forward: y = relu(W * x + b)
    //   => dz = dy where y > 0;  dW = dz (*) x;  db = sum dz;  dx = W^T (*) dz
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        Tensor dz = relu && !reluBackwardInPool ? ReluOp.backwardFromDst(g, layer, dst, dy) : dy;
        memory.desc bias = biasDesc(g);
        memory.desc anySrc = g.act(srcDims);
        memory.desc anyDw = g.any(weiDims, memory.data_type.f32);
        memory.desc anyDst = g.act(dstDims);
        primitive_attr none = g.keep(new primitive_attr());
        convolution_backward_weights.primitive_desc bw = g.keep(OneDnn.skipReference(bias != null
                ? new convolution_backward_weights.primitive_desc(g.eng, algorithm.convolution_direct,
                        anySrc, anyDw, bias, anyDst, strides, padL, padR, fwd, none, false)
                : new convolution_backward_weights.primitive_desc(g.eng, algorithm.convolution_direct,
                        anySrc, anyDw, anyDst, strides, padL, padR, fwd, none, false),
                layer.label() + " backward-weights"));
        g.backwardWeights(layer, "convolution_backward_weights", bw, new convolution_backward_weights(bw), src, dz, bias);
        if (!needDx) {
            return null;
        }
        convolution_backward_data.primitive_desc bd = g.keep(OneDnn.skipReference(
                new convolution_backward_data.primitive_desc(g.eng, algorithm.convolution_direct,
                        g.act(srcDims), g.any(weiDims, g.dt), g.act(dstDims),
                        strides, padL, padR, fwd, g.keep(new primitive_attr()), false),
                layer.label() + " backward-data"));
        memory w = g.weights(layer, bd.weights_desc());
        Tensor bdDz = g.as(dz, bd.diff_dst_desc(), g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(bd.diff_src_desc()), bd.diff_src_desc());
        g.exec(g.backwardSteps, layer.name() + " convolution_backward_data" + " " + OneDnn.impl(bd), new convolution_backward_data(bd),
                new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC}, bdDz.mem(), w, dx.mem());
        return dx;
    }
}
