package io.sparkconv.prep.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.split.StableSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing an image folder tree on the driver: what counts as a class and an image, and the errors before work. */
class FolderSourceTest {
    @TempDir
    Path dir;

    private Path file(String relative, int bytes) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
        return p;
    }

    private ImageSource open() throws IOException {
        return ImageSource.open(dir.toString(), null, new Configuration());
    }

    /** Names a URI must escape (a space, a percent sign, non-ASCII) are listed and read back byte for byte. */
    @Test
    void oddFileNamesAreReadBack() throws IOException {
        Path a = Files.writeString(file("a class/x y.jpg", 0), "space");
        Path b = Files.writeString(file("a class/50%ü.png", 0), "percent and umlaut");
        ImageSource s = open();
        List<String> keys = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (SourceChunk c : s.chunks(1)) {
            try (SourceChunk.RecordStream records = c.open(new Configuration())) {
                records.forEachRemaining(r -> {
                    keys.add(r.key());
                    texts.add(new String(((SourceRecord.Encoded) r).bytes(), java.nio.charset.StandardCharsets.UTF_8));
                });
            }
        }
        // chunk order is a hash order, not the listing's
        Map<String, String> read = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            read.put(keys.get(i), texts.get(i));
        }
        assertEquals(Map.of("a class/50%ü.png", Files.readString(b), "a class/x y.jpg", Files.readString(a)), read);
    }

    @Test
    void classesAreTopFoldersAndKeysAreRelativePaths() throws IOException {
        file("dog/b.jpg", 10);
        file("dog/sub/a.PNG", 20);
        file("cat/1.jpeg", 30);
        file("cat/notes.txt", 5);
        file("cat/.hidden.jpg", 5);
        file("cat/.thumbs/x.jpg", 5);
        file("README", 5);
        Files.createDirectories(dir.resolve("_tmp"));
        ImageSource s = open();
        assertEquals(InputFormat.FOLDER, s.format());
        assertEquals(List.of("cat", "dog"), s.classes());
        assertEquals(3, s.size());
        assertTrue(s.describe().contains("2 other files skipped"), s.describe());
        assertEquals(Map.of("cat/1.jpeg", 0, "dog/b.jpg", 1, "dog/sub/a.PNG", 1), labelsByKey(s.chunks(2)));
    }

    /** key -> label of every record the chunks yield; a key twice fails. */
    private static Map<String, Integer> labelsByKey(List<SourceChunk> chunks) throws IOException {
        Map<String, Integer> labels = new HashMap<>();
        for (SourceChunk c : chunks) {
            try (SourceChunk.RecordStream records = c.open(new Configuration())) {
                records.forEachRemaining(r -> assertNull(labels.put(r.key(), r.label()), "twice: " + r.key()));
            }
        }
        return labels;
    }

    /**
     * Chunks are cut from a hash order of the keys, not the listing's class-then-path order, so
     * every chunk (a task, whose Parquet files training draws batches from) mixes the classes; the
     * chunks still yield every file once with its label, in the same chunks on every listing.
     */
    @Test
    void chunksMixClassesAndCoverEveryFileOnce() throws IOException {
        List<String> classes = List.of("ant", "bee", "cat", "dog", "eel");
        Map<String, Integer> expected = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < 40; i++) {
                String key = classes.get(c) + "/" + String.format("%03d", i) + ".jpg";
                file(key, 50 + (i * 37 + c * 11) % 200);
                expected.put(key, c);
            }
        }
        ImageSource s = open();
        List<SourceChunk> chunks = s.chunks(8);
        assertEquals(8, chunks.size());
        assertEquals(expected, labelsByKey(chunks));
        List<Set<String>> keysOf = new ArrayList<>();
        for (SourceChunk c : chunks) {
            Map<String, Integer> chunk = labelsByKey(List.of(c));
            keysOf.add(chunk.keySet());
            long[] perClass = new long[classes.size()];
            chunk.values().forEach(label -> perClass[label]++);
            // 25 files a chunk: the listing's order gave at most 2 classes each; a hash order about 5 each
            long present = Arrays.stream(perClass).filter(n -> n > 0).count();
            long largest = Arrays.stream(perClass).max().orElseThrow();
            assertTrue(present >= 4 && largest <= chunk.size() * 0.6,
                    "classes of a chunk of " + chunk.size() + ": " + Arrays.toString(perClass));
            // nor is a chunk a range of split positions (all validation, or one fold)
            double[] positions = chunk.keySet().stream().mapToDouble(StableSplit::position).sorted().toArray();
            assertTrue(positions[positions.length - 1] - positions[0] > 0.5, "positions " + Arrays.toString(positions));
        }
        List<SourceChunk> again = open().chunks(8);
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(keysOf.get(i), labelsByKey(List.of(again.get(i))).keySet(),
                    "chunk " + i + " is the same on another listing");
        }
    }

    @Test
    void chunksCoverEveryFileOnceWithSimilarBytes() throws IOException {
        for (int i = 0; i < 40; i++) {
            file("c" + (i % 3) + "/" + i + ".jpg", i < 20 ? 100 : 1000);
        }
        ImageSource s = open();
        List<SourceChunk> chunks = s.chunks(4);
        assertEquals(4, chunks.size());
        assertEquals(40, chunks.stream().mapToInt(SourceChunk::size).sum());
        for (SourceChunk c : chunks) {
            long bytes = 0;
            try (SourceChunk.RecordStream records = c.open(new Configuration())) {
                while (records.hasNext()) {
                    bytes += ((SourceRecord.Encoded) records.next()).bytes().length;
                }
            }
            // 22,000 bytes in 4 chunks: each within one large file of 5,500
            assertTrue(Math.abs(bytes - 5_500) <= 1_000, "chunk of " + bytes + " bytes");
        }
        assertEquals(40, s.chunks(100).size(), "never more chunks than files");
    }

    @Test
    void anEmptyClassFolderIsAnErrorNamingIt() throws IOException {
        file("cat/1.jpg", 10);
        file("dog/readme.txt", 10);
        SourceException e = assertThrows(SourceException.class, this::open);
        assertTrue(e.getMessage().contains("dog") && e.getMessage().contains("holds no images"), e.getMessage());
    }

    @Test
    void anInputWithoutImagesIsAnErrorNamingIt() throws IOException {
        file("notes.txt", 10);
        SourceException e = assertThrows(SourceException.class, this::open);
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no images"), e.getMessage());
        SourceException missing = assertThrows(SourceException.class,
                () -> ImageSource.open(dir.resolve("nope").toString(), null, new Configuration()));
        assertTrue(missing.getMessage().contains("nope: no such folder"), missing.getMessage());
    }

    @Test
    void anImageOutsideAClassFolderIsAnError() throws IOException {
        file("cat/1.jpg", 10);
        file("2.jpg", 10);
        SourceException e = assertThrows(SourceException.class, this::open);
        assertTrue(e.getMessage().contains("2.jpg") && e.getMessage().contains("one folder per class"), e.getMessage());
    }
}
