package io.sparkconv.kernels.optim;

/**
 * SGD settings as a training config writes them.
 *
 * @param lr        base learning rate (the schedule scales it)
 * @param momentum  momentum coefficient mu, 0 for plain SGD
 * @param l2        lambda in L = L_data + lambda/2 * ||W||^2
 * @param l2Biases  whether biases are regularized too (default no)
 */
public record SgdSettings(Double lr, Double momentum, Double l2, Boolean l2Biases) {
    public SgdSettings {
        lr = lr == null ? 0.01 : lr;
        momentum = momentum == null ? 0.9 : momentum;
        l2 = l2 == null ? 5e-4 : l2;
        l2Biases = l2Biases == null ? Boolean.FALSE : l2Biases;
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
        }
    }

    public static SgdSettings defaults() {
        return new SgdSettings(null, null, null, null);
    }
}
