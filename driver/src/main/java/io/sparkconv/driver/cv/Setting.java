package io.sparkconv.driver.cv;

import java.util.Locale;
import java.util.Map;

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

    /** This point's lr and l2 as config keys ({@link io.sparkconv.driver.config.TrainConfig#with}); the rest stays. */
    public Map<String, Object> settings() {
        return Map.of("training.sgd.lr", lr, "training.sgd.l2", l2);
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
