package io.sparkconv.kernels.loss;

import io.sparkconv.kernels.net.Batch;

/**
 * The loss every backend computes on the host: softmax over n rows of k scores, and the
 * cross-entropy against each row's label, stable by subtracting the row's max (log-sum-exp).
 * One implementation, so the backends cannot drift apart on it.
 */
public final class SoftmaxCrossEntropyMath {
    private SoftmaxCrossEntropyMath() {}

    /**
     * probs = softmax(scores) row by row; returns scale * sum_i (logsumexp(x_i) - x_i,label), or 0
     * when {@code batch} is null (inference).
     *
     * @param where names the layer in the message for an out-of-range label
     */
    public static double forward(float[] scores, float[] probs, int n, int k, Batch batch, float scale, String where) {
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
            if (batch != null) {
                int label = batch.labels[i];
                if (label < 0 || label >= k) {
                    throw new IllegalArgumentException("label " + label + " of sample " + batch.sampleIds[i]
                            + " is outside [0, " + k + ") for " + where);
                }
                loss += Math.log(sum) + max - scores[base + label];
            }
        }
        return loss * scale;
    }

    // forward: loss = scale * sum_i (logsumexp(x_i) - x_i,label)  =>  dx_ij = scale * (y_ij - [j == label_i])
    public static void backward(float[] probs, float[] dx, int n, int k, Batch batch, float scale) {
        for (int i = 0; i < n; i++) {
            int base = i * k;
            for (int j = 0; j < k; j++) {
                dx[base + j] = scale * probs[base + j];
            }
            dx[base + batch.labels[i]] -= scale;
        }
    }
}
