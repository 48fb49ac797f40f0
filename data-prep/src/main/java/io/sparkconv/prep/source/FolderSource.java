package io.sparkconv.prep.source;

import io.sparkconv.prep.split.StableSplit;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
    /** Makes the chunk order's hash independent of the split hash (any constant but 0 would do). */
    private static final long CHUNK_ORDER_SALT = 0x9E3779B97F4A7C15L;

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
        List<Path> classDirs = new ArrayList<>();
        for (FileStatus entry : SourceFiles.list(fs, dir)) {
            if (entry.isFile()) {
                if (isImageName(entry.getPath().getName())) {
                    throw new SourceException(entry.getPath() + ": an image directly in the input folder; images go"
                            + " into one folder per class (" + dir + "/CLASS/" + entry.getPath().getName() + ")");
                }
                skipped++;
            } else {
                classDirs.add(entry.getPath());
            }
        }
        for (Path classDir : classDirs) {
            String className = classDir.getName();
            int label = classes.size();
            int before = uris.size();
            for (ListedFile f : listClass(fs, classDir)) {
                String key = relative(rootPath, f.path());
                if (!visiblePath(key)) {
                    continue;
                }
                if (!isImageName(key)) {
                    skipped++;
                    continue;
                }
                uris.add(f.uri());
                keys.add(key);
                labels.add(label);
                lengths.add(f.length());
            }
            if (uris.size() == before) {
                throw new SourceException(classDir + ": class folder '" + className
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

    /** A file found under a class folder: its path (no scheme), its URI and its length. */
    private record ListedFile(String path, String uri, long length) {}

    /** The files under a class folder at any depth, hidden folders skipped, sorted by path. */
    private static List<ListedFile> listClass(FileSystem fs, Path dir) throws IOException {
        List<ListedFile> found = new ArrayList<>();
        if ("file".equals(dir.toUri().getScheme())) {
            walkLocal(java.nio.file.Path.of(dir.toUri()), found);
        } else {
            walk(fs, dir, found);
        }
        found.sort((a, b) -> a.path().compareTo(b.path()));
        return found;
    }

    /**
     * listStatus rather than listFiles(recursive): the latter builds LocatedFileStatus, which on
     * file:// without Hadoop's native library forks an {@code ls} per file for its permissions.
     */
    private static void walk(FileSystem fs, Path dir, List<ListedFile> out) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory()) {
                if (SourceFiles.visible(s.getPath().getName())) {
                    walk(fs, s.getPath(), out);
                }
            } else {
                out.add(new ListedFile(s.getPath().toUri().getPath(), s.getPath().toUri().toString(), s.getLen()));
            }
        }
    }

    /**
     * file:// through java.nio: one stat per file, where Hadoop's local listing builds a Path (a URI
     * parse) and stats each file twice; 20,000 files took 0.4 s that way, a quarter of a 64 x 64
     * image set's whole preparation on 2 cores.
     */
    private static void walkLocal(java.nio.file.Path dir, List<ListedFile> out) throws IOException {
        Files.walkFileTree(dir, Set.of(FileVisitOption.FOLLOW_LINKS),
                Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(java.nio.file.Path d,
                            BasicFileAttributes attrs) {
                        return d.equals(dir) || SourceFiles.visible(d.getFileName().toString())
                                ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(java.nio.file.Path f,
                            BasicFileAttributes attrs) {
                        if (!attrs.isDirectory()) {
                            String path = f.toString();
                            out.add(new ListedFile(path, fileUri(path), attrs.size()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(java.nio.file.Path f, IOException e)
                            throws IOException {
                        throw new SourceException(f + ": cannot read: " + e.getMessage());
                    }
                });
    }

    /**
     * The file: URI of an absolute local path, as Hadoop writes it ("file:/a/b%20c.jpg"). Not
     * java.nio's Path.toUri, which stats the file again to see whether it is a folder.
     */
    static String fileUri(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '.' || c == '-' || c == '_';
            if (!plain) {
                try {
                    return new URI("file", null, path, null).toASCIIString();
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(path + ": not a usable file name: " + e.getMessage(), e);
                }
            }
        }
        return "file:" + path;
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

    /**
     * Consecutive runs, with about equal bytes each (decoding time follows the file size), of the
     * files in the order of {@link #chunkOrder}: each task, and so each Parquet file it writes,
     * holds a sample of every class, where runs of the listing (class folder, then path) made
     * files of mostly one class, and training batches drawn from a few dozen files class-skewed.
     */
    @Override
    public List<SourceChunk> chunks(int partitions) {
        int n = keys.size();
        int parts = Math.max(1, Math.min(partitions, n));
        int[] order = chunkOrder(keys);
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + Math.max(1, lengths[order[i]]);
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
            int[] files = Arrays.copyOfRange(order, from, to);
            chunks.add(new FileChunk(Arrays.stream(files).mapToObj(uris::get).toArray(String[]::new),
                    Arrays.stream(files).mapToObj(keys::get).toArray(String[]::new),
                    Arrays.stream(files).map(i -> labels[i]).toArray(),
                    Arrays.stream(files).mapToLong(i -> lengths[i]).toArray()));
            from = to;
        }
        return chunks;
    }

    /**
     * The listing's indices ordered by a stable hash of each key, ties by index: the same order on
     * every run, so the same listing and partition count give the same chunks. Not the hash the splits use as such
     * ({@link StableSplit#position}) but mixed once more: ordered by that, consecutive runs would
     * be ranges of position, a task's records all validation, or all of one fold.
     */
    private static int[] chunkOrder(List<String> keys) {
        long[] order = new long[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = StableSplit.mix(StableSplit.hash(keys.get(i)) ^ CHUNK_ORDER_SALT);
        }
        return java.util.stream.IntStream.range(0, order.length).boxed()
                .sorted((a, b) -> order[a] != order[b] ? Long.compare(order[a], order[b]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String describe() {
        return String.format("%,d images in %d class folders under %s%s", keys.size(), classes.size(), root,
                skipped > 0 ? String.format(" (%,d other files skipped: not .jpg, .jpeg or .png)", skipped) : "");
    }
}
