package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.PlannedLayer;

/**
 * The loss: y holds softmax probabilities; the loss of image i is log(sum_j e^{x_ij}) - x_i,label,
 * computed with the max subtracted so large scores do not overflow. The pass's loss is lossScale
 * times the sum over images (lossScale = 1/B gives the batch mean).
 */
final class SoftmaxCrossEntropy extends JavaLayer {
    SoftmaxCrossEntropy(PlannedLayer plan) {
        super(plan);
    }

    // x is (n, K) scores; y will be (n, K) probabilities
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        int k = in.size();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                float e = (float) Math.exp(x[base + j] - max);
                y[base + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < k; j++) {
                y[base + j] *= inv;
            }
            if (pass.training) {
                int label = pass.batch.labels[i];
                if (label < 0 || label >= k) {
                    throw new IllegalArgumentException("label " + label + " of sample " + pass.batch.sampleIds[i]
                            + " is outside [0, " + k + ") for " + plan.label());
                }
                loss += Math.log(sum) + max - x[base + label];
            }
        }
        pass.loss = loss * pass.lossScale;
    }

    // forward: loss = scale * sum_i (logsumexp(x_i) - x_i,label)  =>  dx_ij = scale * (y_ij - [j == label_i])
    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        int k = in.size();
        float scale = pass.lossScale;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            for (int j = 0; j < k; j++) {
                dx[base + j] = scale * y[base + j];
            }
            dx[base + pass.batch.labels[i]] -= scale;
        }
    }
}
