package io.sparkconv.driver.config;

import io.sparkconv.prep.idx.IdxImageSets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the images come from, and which of them a run trains and validates on.
 *
 * @param format             {@code idx} (MNIST-style files: train-* and t10k-*)
 * @param path               the folder; default Debian's Fashion-MNIST
 * @param validationFraction the part of the training files held out for per-epoch validation,
 *                           chosen by a stable hash of each image's key (0: train on all of them)
 * @param folds              k, the number of cross-validation folds the training split is cut into
 *                           by the same hash; 0 = no folds
 * @param heldOutFold        with folds: the fold this run validates on and never trains on; -1 = none
 */
public record DataConfig(String format, String path, Double validationFraction, Integer folds, Integer heldOutFold) {
    public DataConfig {
        format = format == null ? "idx" : format.toLowerCase(Locale.ROOT);
        path = path == null ? IdxImageSets.DEBIAN_FASHION_MNIST.toString() : path;
        validationFraction = validationFraction == null ? 0.1 : validationFraction;
        folds = folds == null ? 0 : folds;
        heldOutFold = heldOutFold == null ? -1 : heldOutFold;
        if (!format.equals("idx")) {
            throw new IllegalArgumentException("format must be idx (prepared Parquet datasets come with the data-prep job), got '" + format + "'");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation_fraction must be in [0, 1), got " + validationFraction);
        }
        if (folds < 0 || folds == 1) {
            throw new IllegalArgumentException("folds must be 0 (none) or >= 2, got " + folds);
        }
        if (heldOutFold < -1 || heldOutFold >= Math.max(folds, 0) && heldOutFold != -1) {
            throw new IllegalArgumentException("held_out_fold must be -1 (none) or in [0, folds=" + folds + "), got " + heldOutFold);
        }
    }

    public DataConfig(String format, String path, Double validationFraction) {
        this(format, path, validationFraction, null, null);
    }

    DataConfig resolvedAgainst(Path dir) {
        return new DataConfig(format, dir.resolve(path).normalize().toString(), validationFraction, folds, heldOutFold);
    }

    /** The same data with fold {@code fold} of {@code k} held out for validation. */
    public DataConfig holdingOut(int k, int fold) {
        return new DataConfig(format, path, validationFraction, k, fold);
    }

    /** The same data, training on the training and validation splits together (no folds, no validation). */
    public DataConfig trainingOnAll() {
        return new DataConfig(format, path, 0.0, 0, -1);
    }
}
