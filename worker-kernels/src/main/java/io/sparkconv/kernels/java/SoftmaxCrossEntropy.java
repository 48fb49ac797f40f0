package io.sparkconv.kernels.java;

import io.sparkconv.kernels.loss.SoftmaxCrossEntropyMath;
import io.sparkconv.kernels.spec.PlannedLayer;

/**
 * The loss: y holds softmax probabilities; the loss of image i is log(sum_j e^{x_ij}) - x_i,label
 * ({@link SoftmaxCrossEntropyMath}, shared with the native backend). The pass's loss is lossScale
 * times the sum over images (lossScale = 1/B gives the batch mean).
 */
final class SoftmaxCrossEntropy extends JavaLayer {
    SoftmaxCrossEntropy(PlannedLayer plan) {
        super(plan);
    }

    // x is (n, K) scores; y will be (n, K) probabilities
    @Override
    void forward(float[] x, float[] y, int n, Pass pass) {
        pass.loss = SoftmaxCrossEntropyMath.forward(x, y, n, in.size(), pass.training ? pass.batch : null,
                pass.lossScale, plan.label());
    }

    @Override
    void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Pass pass) {
        SoftmaxCrossEntropyMath.backward(y, dx, n, in.size(), pass.batch, pass.lossScale);
    }
}
