package io.sparkconv.driver.config;

import io.sparkconv.prep.idx.IdxImageSets;
import java.nio.file.Path;

/**
 * Where the images come from, and which of them a run trains and validates on.
 *
 * @param format             {@code idx} (MNIST-style files: train-* and t10k-*) or {@code prepared}
 *                           (a dataset written by {@code sparkconv prep}: manifest.json + Parquet)
 * @param path               the folder (a prepared dataset: any Hadoop path); default Debian's Fashion-MNIST
 * @param validationFraction idx: the part of the training files held out for per-epoch validation,
 *                           chosen by a stable hash of each image's key. A prepared dataset has its
 *                           validation split already
 * @param folds              idx: k, the number of cross-validation folds the training split is cut
 *                           into by the same hash; 0 = no folds. A prepared dataset has its folds
 *                           already: 0 or the manifest's k
 * @param heldOutFold        with folds: the fold this run validates on and never trains on; -1 = none
 * @param trainOnValidation  train on the training and validation splits together, with no validation
 *                           (a search's retrain of its best setting)
 * @param virtualShards      V: the training split is cut into V equal ranges of records, each read
 *                           as its own stream, and every batch takes about B/V images from each;
 *                           worker r of K reads shards r, r+K, ... Not K: the batches are the same
 *                           for any number of workers (at most V)
 * @param memoryMb           what a worker may hold of its training records, MB: its whole part when
 *                           that fits and {@code loading} is auto, else two files per stream
 * @param loading            auto, memory or stream; see {@link DataLoading}
 */
public record DataConfig(DataFormat format, String path, Double validationFraction, Integer folds, Integer heldOutFold,
                         Boolean trainOnValidation, Integer virtualShards, Integer memoryMb, DataLoading loading) {
    public static final int DEFAULT_VIRTUAL_SHARDS = 64;
    public static final int DEFAULT_MEMORY_MB = 512;

    public DataConfig {
        format = format == null ? DataFormat.IDX : format;
        path = path == null ? IdxImageSets.DEBIAN_FASHION_MNIST.toString() : path;
        validationFraction = validationFraction == null ? 0.1 : validationFraction;
        folds = folds == null ? 0 : folds;
        heldOutFold = heldOutFold == null ? -1 : heldOutFold;
        trainOnValidation = trainOnValidation != null && trainOnValidation;
        virtualShards = virtualShards == null ? DEFAULT_VIRTUAL_SHARDS : virtualShards;
        memoryMb = memoryMb == null ? DEFAULT_MEMORY_MB : memoryMb;
        loading = loading == null ? DataLoading.AUTO : loading;
        if (virtualShards < 1) {
            throw new IllegalArgumentException("virtual_shards must be at least 1, got " + virtualShards);
        }
        if (memoryMb < 1) {
            throw new IllegalArgumentException("memory_mb must be at least 1, got " + memoryMb);
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
        if (trainOnValidation && heldOutFold >= 0) {
            throw new IllegalArgumentException("train_on_validation and held_out_fold exclude each other");
        }
    }

    public DataConfig(DataFormat format, String path, Double validationFraction, Integer folds, Integer heldOutFold,
                      Boolean trainOnValidation) {
        this(format, path, validationFraction, folds, heldOutFold, trainOnValidation, null, null, null);
    }

    public DataConfig(DataFormat format, String path, Double validationFraction) {
        this(format, path, validationFraction, null, null, null);
    }

    public boolean prepared() {
        return format == DataFormat.PREPARED;
    }

    /** Relative local paths are relative to the config file; a path with a scheme (hdfs://...) stays as it is. */
    DataConfig resolvedAgainst(Path dir) {
        boolean hadoopUri = path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || path.startsWith("file:");
        String resolved = hadoopUri ? path : dir.resolve(path).normalize().toString();
        return new DataConfig(format, resolved, validationFraction, folds, heldOutFold, trainOnValidation,
                virtualShards, memoryMb, loading);
    }

    /** The same data with fold {@code fold} of {@code k} held out for validation. */
    public DataConfig holdingOut(int k, int fold) {
        return new DataConfig(format, path, validationFraction, k, fold, false, virtualShards, memoryMb, loading);
    }

    /** The same data, training on the training and validation splits together (no folds, no validation). */
    public DataConfig trainingOnAll() {
        return new DataConfig(format, path, validationFraction, 0, -1, true, virtualShards, memoryMb, loading);
    }
}
