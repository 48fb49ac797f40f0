package io.sparkconv.driver.cv;

import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.kernels.optim.SgdSettings;
import java.util.Locale;

/** One point of a hyper-parameter search: the base learning rate and the L2 strength. */
public record Setting(double lr, double l2) {
    public Setting {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
        }
    }

    /** The training settings with this point's lr and l2; momentum, schedule and the rest unchanged. */
    public TrainingConfig applyTo(TrainingConfig t) {
        SgdSettings s = t.sgd();
        return t.withSgd(new SgdSettings(lr, s.momentum(), l2, s.l2Biases()));
    }

    public String label() {
        return String.format(Locale.ROOT, "lr=%s l2=%s", compact(lr), compact(l2));
    }

    /** A name safe for directories and Spark pool names. */
    public String slug() {
        return String.format(Locale.ROOT, "lr_%s-l2_%s", compact(lr), compact(l2));
    }

    /** 0.1, 0.0005, 20: the shortest plain decimal, never scientific notation. */
    private static String compact(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
