package io.sparkconv.prep.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertEquals(List.of("a class/50%ü.png", "a class/x y.jpg"), keys);
        assertEquals(List.of(Files.readString(b), Files.readString(a)), texts);
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
        List<String> keys = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (SourceChunk c : s.chunks(2)) {
            try (SourceChunk.RecordStream records = c.open(new Configuration())) {
                records.forEachRemaining(r -> {
                    keys.add(r.key());
                    labels.add(r.label());
                });
            }
        }
        assertEquals(List.of("cat/1.jpeg", "dog/b.jpg", "dog/sub/a.PNG"), keys);
        assertEquals(List.of(0, 1, 1), labels);
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
