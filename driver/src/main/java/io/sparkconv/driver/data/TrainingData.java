package io.sparkconv.driver.data;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.prep.split.StableSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The three splits a run uses: train and validation carved from the training files by a stable
 * hash of each image's key, and the test files. The driver and every worker load them the same
 * way, so position p of the training split means the same image everywhere.
 */
public record TrainingData(ImageSet train, ImageSet validation, ImageSet test) {
    public static TrainingData load(DataConfig data, Shape expected, String netName) throws IOException {
        Path dir = Path.of(data.path());
        ImageSet all = IdxImageSets.train(dir);
        if (!all.shape().equals(expected)) {
            throw new IllegalArgumentException("net '" + netName + "' takes " + expected
                    + " images but " + dir + " holds " + all.shape());
        }
        ImageSet[] parts = splitTrainValidation(all, data.validationFraction());
        if (data.heldOutFold() >= 0) {
            parts = splitHeldOutFold(parts[0], data.validationFraction(), data.folds(), data.heldOutFold());
        }
        return new TrainingData(parts[0], parts[1], IdxImageSets.test(dir));
    }

    /**
     * The fold of a training-split key: the key's stable position in [v, 1), the training range,
     * cut into k equal parts. Adding images never moves an existing one to another fold.
     */
    public static int fold(String key, double validationFraction, int folds) {
        double p = StableSplit.position(key);
        if (p < validationFraction) {
            throw new IllegalArgumentException(key + " is in the validation split, not in a fold");
        }
        return Math.min(folds - 1, (int) ((p - validationFraction) / (1 - validationFraction) * folds));
    }

    /** The training split without fold {@code held}, and fold {@code held} as the validation part. */
    public static ImageSet[] splitHeldOutFold(ImageSet train, double validationFraction, int folds, int held) {
        int[] in = IntStream.range(0, train.size())
                .filter(i -> fold(train.keys()[i], validationFraction, folds) != held).toArray();
        int[] out = IntStream.range(0, train.size())
                .filter(i -> fold(train.keys()[i], validationFraction, folds) == held).toArray();
        return new ImageSet[] {train.subset("train-without-fold" + held, in), train.subset("fold" + held, out)};
    }

    /** The training and validation parts of the training files, by a stable hash of each key. */
    public static ImageSet[] splitTrainValidation(ImageSet all, double validationFraction) {
        int[] val = IntStream.range(0, all.size())
                .filter(i -> StableSplit.inFirst(all.keys()[i], validationFraction)).toArray();
        int[] train = IntStream.range(0, all.size())
                .filter(i -> !StableSplit.inFirst(all.keys()[i], validationFraction)).toArray();
        return new ImageSet[] {all.subset("train", train), all.subset("validation", val)};
    }

    /** Shard {@code worker} of K of a set: positions worker, worker+K, ... (local index = position / K). */
    public static ImageSet shard(ImageSet set, int worker, int workers) {
        int[] positions = IntStream.iterate(worker, p -> p < set.size(), p -> p + workers).toArray();
        return set.subset(set.name() + "-shard" + worker, positions);
    }
}
