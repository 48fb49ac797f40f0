package io.sparkconv.prep.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local file is read whole whatever its listed length says: the listing is only a hint. */
class FileChunkTest {
    @TempDir
    Path dir;

    @Test
    void readsTheWholeFileWhetherItGrewShrankOrStayed() throws IOException {
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        Path f = Files.write(dir.resolve("a.jpg"), bytes);
        assertArrayEquals(bytes, FileChunk.readLocal(f, 5000), "as listed");
        assertArrayEquals(bytes, FileChunk.readLocal(f, 100), "grew after the listing");
        assertArrayEquals(bytes, FileChunk.readLocal(f, 4999), "grew by one byte");
        assertArrayEquals(bytes, FileChunk.readLocal(f, 9000), "shrank after the listing");
        assertArrayEquals(new byte[0], FileChunk.readLocal(Files.write(dir.resolve("empty.jpg"), new byte[0]), 0));
        assertArrayEquals(new byte[0], FileChunk.readLocal(dir.resolve("empty.jpg"), 10), "emptied");
    }
}
