package io.sparkconv.driver.data;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.augment.AugmentSpec;
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
    /**
     * Loads the splits and checks, before any training, that the augmenter turns the images into
     * what the net takes ({@code expected}: the crop, or the images' own shape without one).
     */
    public static TrainingData load(DataConfig data, AugmentSpec augment, Shape expected, String netName)
            throws IOException {
        Path dir = Path.of(data.path());
        ImageSet all = IdxImageSets.train(dir);
        Shape seen = augment.outputShape(all.shape());
        if (!seen.equals(expected)) {
            throw new IllegalArgumentException("net '" + netName + "' takes " + expected + " images but " + dir
                    + " holds " + all.shape() + (seen.equals(all.shape()) ? "" : ", which augment crops to " + seen));
        }
        ImageSet[] parts = splitTrainValidation(all, data.validationFraction());
        return new TrainingData(parts[0], parts[1], IdxImageSets.test(dir));
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
