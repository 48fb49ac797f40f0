package io.sparkconv.driver.data;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The three parts of a run's data as units: what it trains on, validates on after every epoch,
 * and scores once at the end. A prepared dataset's parts are its files as the manifest lists them
 * (its splits, its folds as prep recorded them: never recomputed), opened without reading a
 * pixel; IDX files are small and read whole, their parts cut by {@link IdxSplits}.
 */
public record RunData(SplitUnits train, SplitUnits validation, SplitUnits test) {
    /** The parts of {@code data}; IDX files are read, a prepared dataset only its manifest. */
    public static RunData open(DataConfig data) throws IOException {
        if (!data.prepared()) {
            IdxSplits idx = IdxSplits.load(data);
            return new RunData(MemoryUnits.of(idx.train()), MemoryUnits.of(idx.validation()), MemoryUnits.of(idx.test()));
        }
        Manifest m = Manifest.read(data.path(), new Configuration());
        if (m.shards() == null) {
            throw new IllegalArgumentException(data.path() + ": the manifest lists no files (an older prep wrote it);"
                    + " prepare the dataset again");
        }
        Manifest.ImageShape ms = m.shape();
        if (!ms.fixed()) {
            throw new IllegalArgumentException(data.path() + ": images vary in shape; training needs one: prepare it with --size S");
        }
        Shape shape = new Shape(ms.channels(), ms.height(), ms.width());
        int classes = m.classes().size();
        List<PreparedUnits.File> train = files(m, Split.TRAIN, PreparedUnits.FoldFilter.ALL, -1, data.path());
        List<PreparedUnits.File> validation = files(m, Split.VALIDATION, PreparedUnits.FoldFilter.ALL, -1, data.path());
        List<PreparedUnits.File> test = files(m, Split.TEST, PreparedUnits.FoldFilter.ALL, -1, data.path());
        String trainName = "train";
        String validationName = "validation";
        if (data.trainOnValidation()) {
            train.addAll(validation);
            validation = List.of();
            trainName = "train+validation";
        } else if (data.heldOutFold() >= 0) {
            checkFolds(data, m);
            int held = data.heldOutFold();
            train = files(m, Split.TRAIN, PreparedUnits.FoldFilter.EXCEPT, held, data.path());
            validation = files(m, Split.TRAIN, PreparedUnits.FoldFilter.ONLY, held, data.path());
            trainName = "train-without-fold" + held;
            validationName = "fold" + held;
        }
        return new RunData(new PreparedUnits(trainName, data.path(), shape, classes, train),
                new PreparedUnits(validationName, data.path(), shape, classes, validation),
                new PreparedUnits("test", data.path(), shape, classes, test));
    }

    /**
     * What a run is planned from, without reading any pixels: the images' shape, how many records
     * each training unit holds (as {@link #open} gives the units), and the size of every part.
     * IDX: from the files' headers and the stable split of their keys.
     */
    public static Layout layout(DataConfig data) throws IOException {
        if (!data.prepared()) {
            Sizes sizes = IdxSplits.sizes(data);
            return new Layout(IdxSplits.shape(data), MemoryUnits.chunkRecords(sizes.train()), sizes);
        }
        RunData d = open(data);
        return new Layout(d.train().shape(), d.train().recordCounts(),
                new Sizes((int) d.train().totalRecords(), (int) d.validation().totalRecords(), (int) d.test().totalRecords()));
    }

    /** The part named train, validation or test. */
    public SplitUnits part(String split) {
        return switch (split) {
            case "train" -> train;
            case "validation" -> validation;
            case "test" -> test;
            default -> throw new IllegalArgumentException("no part '" + split + "': train, validation or test");
        };
    }

    /** How many records each unit of a part holds, as {@link #open} gives it, without reading any pixels. */
    public static long[] partUnits(DataConfig data, String split) throws IOException {
        if (data.prepared()) {
            return open(data).part(split).recordCounts();
        }
        Sizes sizes = IdxSplits.sizes(data);
        return MemoryUnits.chunkRecords(switch (split) {
            case "train" -> sizes.train();
            case "validation" -> sizes.validation();
            default -> sizes.test();
        });
    }

    /** The classes' names: a prepared dataset's (its class folders'), or the class numbers of IDX files. */
    public static List<String> classNames(DataConfig data, int classes) throws IOException {
        List<String> names = new ArrayList<>();
        if (data.prepared()) {
            names.addAll(Manifest.read(data.path(), new Configuration()).classes());
        }
        for (int k = names.size(); k < classes; k++) {
            names.add(Integer.toString(k));
        }
        return List.copyOf(names.subList(0, classes));
    }

    /** See {@link #layout}. */
    public record Layout(Shape shape, long[] trainUnits, Sizes sizes) {}

    /** How many images each split of a run holds. */
    public record Sizes(int train, int validation, int test) {}

    /**
     * How many training-split images each of k folds holds, without reading any pixels: a prepared
     * dataset's manifest counts them, IDX keys come from the images file's header.
     */
    public static long[] trainFoldSizes(DataConfig data, int k) throws IOException {
        if (!data.prepared()) {
            return IdxSplits.trainFoldSizes(data, k);
        }
        Manifest manifest = Manifest.read(data.path(), new Configuration());
        checkFolds(data.holdingOut(k, 0), manifest);
        long[] sizes = new long[k];
        for (int f = 0; f < k; f++) {
            sizes[f] = manifest.foldCounts().get(f);
        }
        return sizes;
    }

    private static void checkFolds(DataConfig data, Manifest m) {
        int k = m.foldCounts() == null ? 0 : m.foldCounts().size();
        if (data.folds() != k) {
            throw new IllegalArgumentException(data.path() + " was prepared with " + k + " folds, not "
                    + data.folds() + " (prepare it again with --folds " + data.folds() + ")");
        }
    }

    /** The manifest's files of a split, the records of each the filter keeps; files left empty are dropped. */
    private static List<PreparedUnits.File> files(Manifest m, Split split, PreparedUnits.FoldFilter filter, int held,
                                                  String dataset) {
        List<PreparedUnits.File> out = new ArrayList<>();
        for (Manifest.Shard s : m.shards()) {
            if (Split.of(s.split()) != split) {
                continue;
            }
            long records = s.records();
            if (filter != PreparedUnits.FoldFilter.ALL) {
                if (s.foldRecords() == null) {
                    throw new IllegalArgumentException(dataset + ": the manifest does not count each file's folds"
                            + " (an older prep wrote it); prepare the dataset again to hold a fold out");
                }
                long inFold = s.foldRecords().get(held);
                records = filter == PreparedUnits.FoldFilter.ONLY ? inFold : records - inFold;
            }
            if (records > 0) {
                out.add(new PreparedUnits.File(s.file(), records, filter, held));
            }
        }
        return out;
    }

    /** Every image of a part in one set, unit after unit (tests, and small parts only). */
    public static ImageSet readAll(SplitUnits units) throws IOException {
        List<ImageSet> sets = new ArrayList<>();
        for (int u = 0; u < units.count(); u++) {
            sets.add(units.read(u));
        }
        return IdxSplits.concat(units.name(), units.shape(), units.classes(), sets);
    }
}
