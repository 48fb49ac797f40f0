package io.sparkconv.prep.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder tree of images: each visible folder directly under the input is a class (sorted by name,
 * label = position), holding its .jpg, .jpeg and .png files at any depth. Keys are paths relative to
 * the input ("cat/0001.jpg"), so splits survive copying the tree to another file system. Files with
 * other extensions are skipped and counted; an image file directly in the input, an input without
 * class folders or a class folder without images is an error naming the path.
 */
public final class FolderSource implements ImageSource {
    private final String root;
    private final List<String> classes;
    private final List<String> uris;
    private final List<String> keys;
    private final int[] labels;
    private final long[] lengths;
    private final int skipped;

    private FolderSource(String root, List<String> classes, List<String> uris, List<String> keys, int[] labels,
                         long[] lengths, int skipped) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.uris = uris;
        this.keys = keys;
        this.labels = labels;
        this.lengths = lengths;
        this.skipped = skipped;
    }

    /** True for the file names the tree's images may have. */
    public static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    static FolderSource list(FileSystem fs, Path dir) throws IOException {
        List<String> classes = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        int skipped = 0;
        String rootPath = dir.toUri().getPath();
        for (FileStatus entry : SourceFiles.list(fs, dir)) {
            if (entry.isFile()) {
                if (isImageName(entry.getPath().getName())) {
                    throw new SourceException(entry.getPath() + ": an image directly in the input folder; images go"
                            + " into one folder per class (" + dir + "/CLASS/" + entry.getPath().getName() + ")");
                }
                skipped++;
                continue;
            }
            String className = entry.getPath().getName();
            int label = classes.size();
            int before = uris.size();
            List<FileStatus> found = new ArrayList<>();
            walk(fs, entry.getPath(), found);
            found.sort((a, b) -> a.getPath().toUri().getPath().compareTo(b.getPath().toUri().getPath()));
            for (FileStatus f : found) {
                String key = relative(rootPath, f.getPath().toUri().getPath());
                if (!visiblePath(key)) {
                    continue;
                }
                if (!isImageName(f.getPath().getName())) {
                    skipped++;
                    continue;
                }
                uris.add(f.getPath().toUri().toString());
                keys.add(key);
                labels.add(label);
                lengths.add(f.getLen());
            }
            if (uris.size() == before) {
                throw new SourceException(entry.getPath() + ": class folder '" + className
                        + "' holds no images (.jpg, .jpeg or .png files)");
            }
            classes.add(className);
        }
        if (classes.isEmpty()) {
            throw new SourceException(dir + ": no images: an image folder holds one folder per class with its"
                    + " .jpg, .jpeg and .png files (or pass --format idx|cifar)");
        }
        return new FolderSource(dir.toString(), classes, uris, keys, labels.stream().mapToInt(Integer::intValue).toArray(),
                lengths.stream().mapToLong(Long::longValue).toArray(), skipped);
    }

    /**
     * The files under a folder, at any depth, skipping hidden folders. listStatus rather than
     * listFiles(recursive): the latter builds LocatedFileStatus, which on file:// without Hadoop's
     * native library forks an {@code ls} per file for its permissions (a minute for 20,000 images).
     */
    private static void walk(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory()) {
                if (SourceFiles.visible(s.getPath().getName())) {
                    walk(fs, s.getPath(), out);
                }
            } else {
                out.add(s);
            }
        }
    }

    private static String relative(String root, String path) {
        String prefix = root.endsWith("/") ? root : root + "/";
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    private static boolean visiblePath(String relative) {
        for (String part : relative.split("/")) {
            if (!SourceFiles.visible(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public InputFormat format() {
        return InputFormat.FOLDER;
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
        return false;
    }

    @Override
    public long size() {
        return keys.size();
    }

    /** Consecutive runs of files with about equal bytes each: decoding time follows the file size. */
    @Override
    public List<SourceChunk> chunks(int partitions) {
        int n = keys.size();
        int parts = Math.max(1, Math.min(partitions, n));
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + Math.max(1, lengths[i]);
        }
        List<SourceChunk> chunks = new ArrayList<>(parts);
        int from = 0;
        for (int p = 1; p <= parts; p++) {
            int to = n;
            if (p < parts) {
                long bound = prefix[n] * p / parts;
                to = from + 1;
                while (to < n && prefix[to] < bound) {
                    to++;
                }
                // leave at least one file for each chunk still to come
                to = Math.min(to, n - (parts - p));
            }
            chunks.add(new FileChunk(uris.subList(from, to).toArray(String[]::new),
                    keys.subList(from, to).toArray(String[]::new),
                    Arrays.copyOfRange(labels, from, to), Arrays.copyOfRange(lengths, from, to)));
            from = to;
        }
        return chunks;
    }

    @Override
    public String describe() {
        return String.format("%,d images in %d class folders under %s%s", keys.size(), classes.size(), root,
                skipped > 0 ? String.format(" (%,d other files skipped: not .jpg, .jpeg or .png)", skipped) : "");
    }
}
