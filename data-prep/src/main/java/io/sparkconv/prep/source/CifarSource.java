package io.sparkconv.prep.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * CIFAR binary batches (https://www.cs.toronto.edu/~kriz/cifar.html), 32x32 RGB, CHW already:
 * CIFAR-10's {@code data_batch_N.bin} and {@code test_batch.bin}, records of 1 label byte + 3072
 * pixel bytes, class names in {@code batches.meta.txt}; CIFAR-100's {@code train.bin} and
 * {@code test.bin}, records of a coarse and a fine label byte + 3072 pixel bytes, of which the fine
 * label (100 classes, names in {@code fine_label_names.txt}) is used. Keys are "file-name#index".
 */
public final class CifarSource implements ImageSource {
    static final int SIDE = 32;
    static final int PIXELS = 3 * SIDE * SIDE;

    private final String root;
    private final boolean cifar100;
    private final List<Batch> batches;
    private final List<String> classes;

    /** One batch file and its record count. */
    private record Batch(String uri, String name, boolean testFile, int records) {}

    private CifarSource(String root, boolean cifar100, List<Batch> batches, List<String> classes) {
        this.root = root;
        this.cifar100 = cifar100;
        this.batches = batches;
        this.classes = classes;
    }

    /** True for the names of CIFAR-10 and CIFAR-100 batch files. */
    public static boolean isBatch(String name) {
        return isCifar10(name) || isCifar100(name);
    }

    private static boolean isCifar10(String name) {
        return name.matches("data_batch_\\d+\\.bin") || name.equals("test_batch.bin");
    }

    private static boolean isCifar100(String name) {
        return name.equals("train.bin") || name.equals("test.bin");
    }

    static CifarSource open(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> listing = SourceFiles.list(fs, dir);
        boolean any10 = listing.stream().anyMatch(s -> s.isFile() && isCifar10(s.getPath().getName()));
        boolean any100 = listing.stream().anyMatch(s -> s.isFile() && isCifar100(s.getPath().getName()));
        if (any10 && any100) {
            throw new SourceException(dir + ": holds both CIFAR-10 (data_batch_N.bin, test_batch.bin) and CIFAR-100"
                    + " (train.bin, test.bin) batches; give one dataset's folder");
        }
        if (!any10 && !any100) {
            throw new SourceException(dir + ": no CIFAR batches (data_batch_N.bin and test_batch.bin, or train.bin and"
                    + " test.bin)");
        }
        boolean cifar100 = any100;
        int recordSize = recordSize(cifar100);
        List<Batch> batches = new ArrayList<>();
        for (FileStatus s : listing) {
            String name = s.getPath().getName();
            if (!s.isFile() || !(cifar100 ? isCifar100(name) : isCifar10(name))) {
                continue;
            }
            if (s.getLen() == 0 || s.getLen() % recordSize != 0) {
                throw new SourceException(String.format("%s: %,d bytes is not a whole number of %s records of %d bytes",
                        s.getPath(), s.getLen(), cifar100 ? "CIFAR-100" : "CIFAR-10", recordSize));
            }
            batches.add(new Batch(s.getPath().toUri().toString(), name, name.startsWith("test"),
                    Math.toIntExact(s.getLen() / recordSize)));
        }
        // training batches first, in name order (the listing's), then the test batch
        batches.sort((a, b) -> Boolean.compare(a.testFile(), b.testFile()));
        if (batches.get(0).testFile()) {
            throw new SourceException(dir + ": only a CIFAR test batch; the training batches ("
                    + (cifar100 ? "train.bin" : "data_batch_N.bin") + ") are missing");
        }
        return new CifarSource(dir.toString(), cifar100, batches, classes(fs, listing, cifar100));
    }

    static int recordSize(boolean cifar100) {
        return (cifar100 ? 2 : 1) + PIXELS;
    }

    private static List<String> classes(FileSystem fs, List<FileStatus> listing, boolean cifar100) throws IOException {
        int count = cifar100 ? 100 : 10;
        FileStatus names = SourceFiles.find(listing, cifar100 ? "fine_label_names.txt" : "batches.meta.txt");
        if (names == null) {
            return IntStream.range(0, count).mapToObj(Integer::toString).toList();
        }
        String text;
        try (InputStream in = fs.open(names.getPath())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.size() != count) {
            throw new SourceException(names.getPath() + ": " + lines.size() + " class names; CIFAR-"
                    + count + " has " + count);
        }
        return lines;
    }

    @Override
    public InputFormat format() {
        return InputFormat.CIFAR;
    }

    @Override
    public String path() {
        return root;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public boolean hasTestFiles() {
        return batches.stream().anyMatch(Batch::testFile);
    }

    @Override
    public long size() {
        return batches.stream().mapToLong(Batch::records).sum();
    }

    @Override
    public List<SourceChunk> chunks(int partitions) {
        int target = (int) Math.max(1, (size() + partitions - 1) / Math.max(1, partitions));
        List<SourceChunk> chunks = new ArrayList<>();
        for (Batch b : batches) {
            int[] bounds = SourceFiles.ranges(b.records(), target);
            for (int i = 0; i + 1 < bounds.length; i++) {
                chunks.add(new CifarChunk(b.uri(), b.name(), b.testFile(), cifar100, classes.size(), bounds[i],
                        bounds[i + 1]));
            }
        }
        return chunks;
    }

    @Override
    public String describe() {
        return String.format("CIFAR-%d: %,d images in %d batches under %s", cifar100 ? 100 : 10, size(),
                batches.size(), root);
    }
}
