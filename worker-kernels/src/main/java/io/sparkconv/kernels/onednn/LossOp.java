package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.loss.SoftmaxCrossEntropyMath;
import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Softmax and cross-entropy on the host over the (n, K) scores, by the same code as the Java
 * backend ({@link SoftmaxCrossEntropyMath}): a few thousand numbers, not worth a primitive.
 * The loss is lossScale times the summed per-image cross-entropy.
 */
final class LossOp extends Op {
    private float[] scores, probs, grad;
    private int k;
    /** The input's 4-D dims when it came in 4-D (its gradient goes back 4-D), else null. */
    private long[] inDims4;

    LossOp(PlannedLayer layer) {
        super(layer);
    }

    /** The probabilities of the last forward pass, (n, K). */
    float[] probabilities() {
        return probs;
    }

    // x is (n, K) or (n, C, H, W) with K = C*H*W (a global-average-pooling or 1x1-conv head: H = W = 1),
    // in any layout; probabilities stay on the host
    @Override
    Tensor forward(Graph g, Tensor x) {
        int n = g.n;
        k = layer.in().size();
        memory.desc plain = g.plain(new long[] {n, k});
        // A 4-D input is made plain fp32 NCHW and read as (n, K), as DenseOp does: a reshape of the
        // descriptor, since oneDNN has no reorder between tensors of different rank.
        if (x.ndims() == 4) {
            inDims4 = Graph.dims(x.desc());
            x = g.view(g.as(x, g.plain(inDims4), g.forwardSteps), plain);
        }
        Tensor hx = g.as(x, plain, g.forwardSteps);
        FloatPointer xp = g.keep(new FloatPointer(hx.mem().get_data_handle()));
        scores = new float[n * k];
        probs = new float[n * k];
        grad = new float[n * k];
        PassState pass = g.pass;
        g.forwardSteps.add("softmax cross-entropy (host)", () -> {
            g.strm._wait();
            xp.get(scores, 0, n * k);
            pass.loss = SoftmaxCrossEntropyMath.forward(scores, probs, n, k, pass.training ? pass.batch : null,
                    pass.lossScale, layer.label());
        });
        return null;
    }

    // forward: loss = scale * sum_i (logsumexp(x_i) - x_i,label)  =>  dx_ij = scale * (y_ij - [j == label_i])
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        int n = g.n;
        memory.desc plain = g.plain(new long[] {n, k});
        Tensor dx = new Tensor(g.alloc(plain), plain);
        FloatPointer dxp = g.keep(new FloatPointer(dx.mem().get_data_handle()));
        PassState pass = g.pass;
        g.backwardSteps.add("softmax cross-entropy backward (host)", () -> {
            SoftmaxCrossEntropyMath.backward(probs, grad, n, k, pass.batch, pass.lossScale);
            dxp.put(grad, 0, n * k);
        });
        return inDims4 == null ? dx : g.view(dx, g.plain(inDims4));
    }
}
