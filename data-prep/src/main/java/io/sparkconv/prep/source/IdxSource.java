package io.sparkconv.prep.source;

import io.sparkconv.prep.idx.IdxFile;
import io.sparkconv.prep.idx.IdxFormatException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * MNIST-style IDX files in one folder: {@code train-images-idx3-ubyte[.gz]} with
 * {@code train-labels-idx1-ubyte[.gz]}, and optionally the {@code t10k-} pair, which is then the
 * test split. Keys are "images-file-name#index", as {@code IdxImageSets} names them. The driver reads
 * the headers and the (small) label files; executors read their range of images.
 */
public final class IdxSource implements ImageSource {
    private final String root;
    private final List<Part> parts;
    private final List<String> classes;

    /** One images file with its labels. */
    private record Part(String uri, String name, boolean testFile, int rows, int cols, byte[] labels) {}

    private IdxSource(String root, List<Part> parts, List<String> classes) {
        this.root = root;
        this.parts = parts;
        this.classes = classes;
    }

    /** True for an IDX images file name of the train or test set. */
    public static boolean isIdxImages(String name) {
        return name.matches("(train|t10k)-images-idx3-ubyte(\\.gz)?");
    }

    static IdxSource open(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> listing = SourceFiles.list(fs, dir);
        List<Part> parts = new ArrayList<>();
        int maxLabel = 0;
        for (String prefix : new String[] {"train", "t10k"}) {
            FileStatus images = SourceFiles.find(listing, prefix + "-images-idx3-ubyte.gz", prefix + "-images-idx3-ubyte");
            FileStatus labels = SourceFiles.find(listing, prefix + "-labels-idx1-ubyte.gz", prefix + "-labels-idx1-ubyte");
            if (images == null && labels == null) {
                continue;
            }
            if (images == null || labels == null) {
                throw new SourceException(dir + ": " + (images == null ? prefix + "-labels-idx1-ubyte[.gz] has no "
                        + prefix + "-images-idx3-ubyte[.gz]" : prefix + "-images-idx3-ubyte[.gz] has no "
                        + prefix + "-labels-idx1-ubyte[.gz]"));
            }
            Part part = part(fs, images, labels, prefix.equals("t10k"));
            for (byte b : part.labels()) {
                maxLabel = Math.max(maxLabel, b & 0xff);
            }
            parts.add(part);
        }
        if (parts.isEmpty() || parts.get(0).testFile()) {
            throw new SourceException(dir + ": no IDX training files (train-images-idx3-ubyte[.gz] and"
                    + " train-labels-idx1-ubyte[.gz])");
        }
        // ten classes at least, as IdxImageSets and the nets' MNIST configs have it
        List<String> classes = IntStream.rangeClosed(0, Math.max(9, maxLabel)).mapToObj(Integer::toString).toList();
        return new IdxSource(dir.toString(), parts, classes);
    }

    private static Part part(FileSystem fs, FileStatus images, FileStatus labels, boolean testFile) throws IOException {
        Path imagesPath = images.getPath();
        int[] dims;
        try (InputStream in = IdxFile.open(fs.open(imagesPath))) {
            dims = IdxFile.readHeader(imagesPath.toString(), new DataInputStream(in));
        }
        if (dims.length != 3) {
            throw new IdxFormatException(imagesPath + ": images need 3 dimensions (count, rows, columns), found "
                    + dims.length);
        }
        if (!imagesPath.getName().endsWith(".gz")) {
            long expected = IdxFile.headerBytes(3) + (long) dims[0] * dims[1] * dims[2];
            if (images.getLen() < expected) {
                throw new IdxFormatException(String.format("%s: truncated: dimensions %s need %,d bytes, the file has %,d",
                        imagesPath, Arrays.toString(dims), expected, images.getLen()));
            }
        }
        byte[] lab;
        try (InputStream in = IdxFile.open(fs.open(labels.getPath()))) {
            DataInputStream data = new DataInputStream(in);
            int[] ldims = IdxFile.readHeader(labels.getPath().toString(), data);
            if (ldims.length != 1) {
                throw new IdxFormatException(labels.getPath() + ": labels need 1 dimension, found " + ldims.length);
            }
            lab = new byte[ldims[0]];
            int read = data.readNBytes(lab, 0, lab.length);
            if (read < lab.length) {
                throw new IdxFormatException(String.format("%s: truncated: %,d labels promised, %,d present",
                        labels.getPath(), lab.length, read));
            }
        }
        if (lab.length != dims[0]) {
            throw new IdxFormatException(imagesPath + " holds " + dims[0] + " images but " + labels.getPath()
                    + " holds " + lab.length + " labels");
        }
        return new Part(imagesPath.toUri().toString(), imagesPath.getName(), testFile, dims[1], dims[2], lab);
    }

    @Override
    public InputFormat format() {
        return InputFormat.IDX;
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
        return 1;
    }

    @Override
    public boolean hasTestFiles() {
        return parts.stream().anyMatch(Part::testFile);
    }

    @Override
    public long size() {
        return parts.stream().mapToLong(p -> p.labels().length).sum();
    }

    @Override
    public List<SourceChunk> chunks(int partitions) {
        int target = (int) Math.max(1, (size() + partitions - 1) / Math.max(1, partitions));
        List<SourceChunk> chunks = new ArrayList<>();
        for (Part p : parts) {
            int[] bounds = SourceFiles.ranges(p.labels().length, target);
            for (int i = 0; i + 1 < bounds.length; i++) {
                if (bounds[i + 1] > bounds[i]) {
                    chunks.add(new IdxChunk(p.uri(), p.name(), p.testFile(), p.rows(), p.cols(), bounds[i],
                            Arrays.copyOfRange(p.labels(), bounds[i], bounds[i + 1])));
                }
            }
        }
        return chunks;
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%,d images of %dx%d in %s", p.labels().length,
                    p.rows(), p.cols(), p.name()));
        }
        return b + " under " + root;
    }
}
