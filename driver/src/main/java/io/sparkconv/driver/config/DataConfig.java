package io.sparkconv.driver.config;

import io.sparkconv.prep.idx.IdxImageSets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the images come from.
 *
 * @param format             {@code idx} (MNIST-style files: train-* and t10k-*)
 * @param path               the folder; default Debian's Fashion-MNIST
 * @param validationFraction the part of the training files held out for per-epoch validation,
 *                           chosen by a stable hash of each image's key
 */
public record DataConfig(String format, String path, Double validationFraction) {
    public DataConfig {
        format = format == null ? "idx" : format.toLowerCase(Locale.ROOT);
        path = path == null ? IdxImageSets.DEBIAN_FASHION_MNIST.toString() : path;
        validationFraction = validationFraction == null ? 0.1 : validationFraction;
        if (!format.equals("idx")) {
            throw new IllegalArgumentException("format must be idx (prepared Parquet datasets come with the data-prep job), got '" + format + "'");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation_fraction must be in [0, 1), got " + validationFraction);
        }
    }

    DataConfig resolvedAgainst(Path dir) {
        return new DataConfig(format, dir.resolve(path).normalize().toString(), validationFraction);
    }
}
