package io.sparkconv.driver.data;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.augment.AugmentSpec;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedSplit;
import io.sparkconv.prep.split.StableSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;

/**
 * The three splits a run uses: from IDX files, train and validation carved from the training files
 * by a stable hash of each image's key, and the test files; from a prepared dataset, its splits.
 * The driver and every worker load them the same way, so position p of the training split means
 * the same image everywhere.
 */
public record TrainingData(ImageSet train, ImageSet validation, ImageSet test) {
    /**
     * Loads the splits and checks, before any training, that the augmenter turns the images into
     * what the net takes ({@code expected}: the crop, or the images' own shape without one).
     */
    public static TrainingData load(DataConfig data, AugmentSpec augment, Shape expected, String netName)
            throws IOException {
        TrainingData loaded = data.prepared() ? loadPrepared(data) : loadIdx(data);
        Shape stored = loaded.train().shape();
        Shape seen = augment.outputShape(stored);
        if (!seen.equals(expected)) {
            throw new IllegalArgumentException("net '" + netName + "' takes " + expected + " images but " + data.path()
                    + " holds " + stored + (seen.equals(stored) ? "" : ", which augment crops to " + seen));
        }
        return loaded;
    }

    private static TrainingData loadIdx(DataConfig data) throws IOException {
        Path dir = Path.of(data.path());
        ImageSet all = IdxImageSets.train(dir);
        ImageSet test = IdxImageSets.test(dir);
        if (data.trainOnValidation()) {
            return new TrainingData(all.subset("train+validation", IntStream.range(0, all.size()).toArray()),
                    all.subset("validation", new int[0]), test);
        }
        ImageSet[] parts = splitTrainValidation(all, data.validationFraction());
        if (data.heldOutFold() >= 0) {
            parts = splitHeldOutFold(parts[0], data.validationFraction(), data.folds(), data.heldOutFold());
        }
        return new TrainingData(parts[0], parts[1], test);
    }

    /**
     * A dataset written by {@code sparkconv prep}: its own validation and test splits, and the folds
     * its manifest records (never recomputed here, so a fold means what the manifest says).
     */
    private static TrainingData loadPrepared(DataConfig data) throws IOException {
        Configuration conf = new Configuration();
        Manifest manifest = Manifest.read(data.path(), conf);
        PreparedSplit train = PreparedFiles.read(data.path(), manifest, "train", conf);
        PreparedSplit validation = PreparedFiles.read(data.path(), manifest, "validation", conf);
        ImageSet test = PreparedFiles.read(data.path(), manifest, "test", conf).images();
        if (data.trainOnValidation()) {
            return new TrainingData(concat("train+validation", train.images(), validation.images()),
                    validation.images().subset("validation", new int[0]), test);
        }
        if (data.heldOutFold() >= 0) {
            int k = manifest.foldCounts() == null ? 0 : manifest.foldCounts().size();
            if (data.folds() != k) {
                throw new IllegalArgumentException(data.path() + " was prepared with " + k + " folds, not "
                        + data.folds() + " (prepare it again with --folds " + data.folds() + ")");
            }
            int held = data.heldOutFold();
            int[] folds = train.folds();
            int[] in = IntStream.range(0, folds.length).filter(i -> folds[i] != held).toArray();
            int[] out = IntStream.range(0, folds.length).filter(i -> folds[i] == held).toArray();
            return new TrainingData(train.images().subset("train-without-fold" + held, in),
                    train.images().subset("fold" + held, out), test);
        }
        return new TrainingData(train.images(), validation.images(), test);
    }

    /** a then b, as one set; keys stay unique because splits never share a record. */
    static ImageSet concat(String name, ImageSet a, ImageSet b) {
        byte[] pixels = new byte[a.pixels().length + b.pixels().length];
        System.arraycopy(a.pixels(), 0, pixels, 0, a.pixels().length);
        System.arraycopy(b.pixels(), 0, pixels, a.pixels().length, b.pixels().length);
        int[] labels = IntStream.concat(IntStream.of(a.labels()), IntStream.of(b.labels())).toArray();
        String[] keys = java.util.stream.Stream.concat(java.util.Arrays.stream(a.keys()), java.util.Arrays.stream(b.keys()))
                .toArray(String[]::new);
        return new ImageSet(name, a.shape(), Math.max(a.classes(), b.classes()), pixels, labels, keys);
    }

    /** How many images each split of a run holds. */
    public record Sizes(int train, int validation, int test) {}

    /**
     * The sizes {@link #load} gives, without reading any pixels: a prepared dataset's manifest
     * counts them; IDX keys come from the files' headers and the stable split decides each one.
     */
    public static Sizes sizes(DataConfig data) throws IOException {
        if (data.prepared()) {
            Manifest m = Manifest.read(data.path(), new Configuration());
            int train = (int) m.counts().train();
            int validation = (int) m.counts().validation();
            int test = (int) m.counts().test();
            if (data.trainOnValidation()) {
                return new Sizes(train + validation, 0, test);
            }
            if (data.heldOutFold() >= 0) {
                int held = (int) trainFoldSizes(data, data.folds())[data.heldOutFold()];
                return new Sizes(train - held, held, test);
            }
            return new Sizes(train, validation, test);
        }
        Path dir = Path.of(data.path());
        String[] keys = IdxImageSets.keys(dir, "train");
        int test = IdxImageSets.keys(dir, "t10k").length;
        if (data.trainOnValidation()) {
            return new Sizes(keys.length, 0, test);
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
        return data.heldOutFold() >= 0 ? new Sizes(train - held, held, test) : new Sizes(train, validation, test);
    }

    /**
     * How many training-split images each of k folds holds, without reading any pixels: a prepared
     * dataset's manifest counts them, IDX keys come from the images file's header.
     */
    public static long[] trainFoldSizes(DataConfig data, int k) throws IOException {
        long[] sizes = new long[k];
        if (data.prepared()) {
            Manifest manifest = Manifest.read(data.path(), new Configuration());
            int prepared = manifest.foldCounts() == null ? 0 : manifest.foldCounts().size();
            if (prepared != k) {
                throw new IllegalArgumentException(data.path() + " was prepared with " + prepared + " folds, not "
                        + k + " (prepare it again with --folds " + k + ")");
            }
            for (int f = 0; f < k; f++) {
                sizes[f] = manifest.foldCounts().get(f);
            }
            return sizes;
        }
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

    /** Shard {@code worker} of K of a set: positions worker, worker+K, ... (local index = position / K). */
    public static ImageSet shard(ImageSet set, int worker, int workers) {
        int[] positions = IntStream.iterate(worker, p -> p < set.size(), p -> p + workers).toArray();
        return set.subset(set.name() + "-shard" + worker, positions);
    }
}
