package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Softmax and cross-entropy on the host over the (n, K) scores, with the same arithmetic as the
 * Java backend (java/SoftmaxCrossEntropy.java): a few thousand numbers, not worth a primitive.
 * The loss is lossScale times the summed per-image cross-entropy.
 */
final class LossOp extends Op {
    private float[] scores, probs, grad;
    private int k;

    LossOp(PlannedLayer layer) {
        super(layer);
    }

    /** The probabilities of the last forward pass, (n, K). */
    float[] probabilities() {
        return probs;
    }

    // x is (n, K) scores in any layout; probabilities stay on the host
    @Override
    Tensor forward(Graph g, Tensor x) {
        int n = g.n;
        k = layer.in().size();
        memory.desc plain = g.plain(new long[] {n, k});
        Tensor hx = g.as(x, plain, g.forwardSteps);
        FloatPointer xp = g.keep(new FloatPointer(hx.mem().get_data_handle()));
        scores = new float[n * k];
        probs = new float[n * k];
        grad = new float[n * k];
        PassState pass = g.pass;
        g.forwardSteps.add("softmax cross-entropy (host)", () -> {
            g.strm._wait();
            xp.get(scores, 0, n * k);
            pass.loss = softmax(n, pass);
        });
        return null;
    }

    private double softmax(int n, PassState pass) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, scores[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                float e = (float) Math.exp(scores[base + j] - max);
                probs[base + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < k; j++) {
                probs[base + j] *= inv;
            }
            if (pass.training) {
                int label = pass.batch.labels[i];
                if (label < 0 || label >= k) {
                    throw new IllegalArgumentException("label " + label + " of sample " + pass.batch.sampleIds[i]
                            + " is outside [0, " + k + ") for " + layer.label());
                }
                loss += Math.log(sum) + max - scores[base + label];
            }
        }
        return loss * pass.lossScale;
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
            float scale = pass.lossScale;
            for (int i = 0; i < n; i++) {
                int base = i * k;
                for (int j = 0; j < k; j++) {
                    grad[base + j] = scale * probs[base + j];
                }
                grad[base + pass.batch.labels[i]] -= scale;
            }
            dxp.put(grad, 0, n * k);
        });
        return dx;
    }
}
