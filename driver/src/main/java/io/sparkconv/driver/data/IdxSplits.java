package io.sparkconv.driver.data;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.prep.split.StableSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The splits of a run on IDX files: train and validation carved from the training files by a
 * stable hash of each image's key (and the training part cut into folds the same way), and the
 * test files. IDX sets are small; every process reads them whole.
 */
public record IdxSplits(ImageSet train, ImageSet validation, ImageSet test) {
    public static IdxSplits load(DataConfig data) throws IOException {
        Path dir = Path.of(data.path());
        ImageSet all = IdxImageSets.train(dir);
        ImageSet test = IdxImageSets.test(dir);
        if (data.trainOnValidation()) {
            return new IdxSplits(all.subset("train+validation", IntStream.range(0, all.size()).toArray()),
                    all.subset("validation", new int[0]), test);
        }
        ImageSet[] parts = splitTrainValidation(all, data.validationFraction());
        if (data.heldOutFold() >= 0) {
            parts = splitHeldOutFold(parts[0], data.validationFraction(), data.folds(), data.heldOutFold());
        }
        return new IdxSplits(parts[0], parts[1], test);
    }

    /** The images' shape, from the training images file's header. */
    public static Shape shape(DataConfig data) throws IOException {
        return IdxImageSets.shape(Path.of(data.path()), "train");
    }

    /** Sets of one shape, one after the other, as one set; keys stay unique because parts never share a record. */
    static ImageSet concat(String name, Shape shape, int classes, List<ImageSet> sets) {
        int n = sets.stream().mapToInt(ImageSet::size).sum();
        byte[] pixels = new byte[Math.multiplyExact(n, shape.size())];
        int[] labels = new int[n];
        String[] keys = new String[n];
        int at = 0;
        for (ImageSet s : sets) {
            System.arraycopy(s.pixels(), 0, pixels, at * shape.size(), s.pixels().length);
            System.arraycopy(s.labels(), 0, labels, at, s.size());
            System.arraycopy(s.keys(), 0, keys, at, s.size());
            at += s.size();
        }
        return new ImageSet(name, shape, classes, pixels, labels, keys);
    }

    /** The sizes {@link #load} gives, from the files' headers: the stable split decides each key. */
    public static RunData.Sizes sizes(DataConfig data) throws IOException {
        Path dir = Path.of(data.path());
        String[] keys = IdxImageSets.keys(dir, "train");
        int test = IdxImageSets.keys(dir, "t10k").length;
        if (data.trainOnValidation()) {
            return new RunData.Sizes(keys.length, 0, test);
        }
        int validation = 0;
        int held = 0;
        for (String key : keys) {
            if (StableSplit.inFirst(key, data.validationFraction())) {
                validation++;
            } else if (data.heldOutFold() >= 0 && fold(key, data.validationFraction(), data.folds()) == data.heldOutFold()) {
                held++;
            }
        }
        int train = keys.length - validation;
        return data.heldOutFold() >= 0 ? new RunData.Sizes(train - held, held, test) : new RunData.Sizes(train, validation, test);
    }

    /** How many training-split images each of k folds holds, from the images file's header. */
    static long[] trainFoldSizes(DataConfig data, int k) throws IOException {
        long[] sizes = new long[k];
        for (String key : IdxImageSets.keys(Path.of(data.path()), "train")) {
            if (!StableSplit.inFirst(key, data.validationFraction())) {
                sizes[fold(key, data.validationFraction(), k)]++;
            }
        }
        return sizes;
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
}
