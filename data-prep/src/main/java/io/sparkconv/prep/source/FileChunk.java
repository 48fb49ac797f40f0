package io.sparkconv.prep.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Image files of a folder source: each record is one file's bytes, read on the executor. */
final class FileChunk implements SourceChunk {
    private static final long serialVersionUID = 1L;

    private final String[] uris;
    private final String[] keys;
    private final int[] labels;
    private final long[] lengths;

    FileChunk(String[] uris, String[] keys, int[] labels, long[] lengths) {
        this.uris = uris;
        this.keys = keys;
        this.labels = labels;
        this.lengths = lengths;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public RecordStream open(Configuration conf) throws IOException {
        URI first = URI.create(uris[0]);
        // file:// is read with java.nio directly: Hadoop's local open stats the file, allocates a
        // 64 KiB buffer and statistics objects per call, as much CPU as decoding a small JPEG
        FileSystem fs = "file".equals(first.getScheme()) ? null : SourceFiles.forReading(new Path(first), conf);
        return new RecordStream() {
            int next;

            @Override
            public boolean hasNext() {
                return next < keys.length;
            }

            @Override
            public SourceRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                try {
                    return new SourceRecord.Encoded(keys[i], labels[i], false, read(fs, i));
                } catch (FileNotFoundException e) {
                    return new SourceRecord.Rejected(keys[i], labels[i], false, "file vanished after listing");
                } catch (IOException e) {
                    throw new UncheckedIOException(uris[i] + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {}
        };
    }

    /**
     * A local file in one read of its listed length plus a byte (open, read, close: Files.readAllBytes
     * also stats the file and reads once more to see the end, and on these VMs each system call
     * costs microseconds, a fifth of a small JPEG's decode). A read shorter than asked for is the
     * end of a regular file; a full one means the file grew since the listing, so the rest is read.
     */
    static byte[] readLocal(java.nio.file.Path path, int listed) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            ByteBuffer buf = ByteBuffer.allocate(listed + 1);
            int n = ch.read(buf);
            if (n >= 0 && n < listed) {
                // shorter than listed: the file shrank, or a short read; read on to the end
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // filling
                }
            }
            if (!buf.hasRemaining()) {
                byte[] head = buf.array();
                byte[] rest = Channels.newInputStream(ch).readAllBytes();
                byte[] all = Arrays.copyOf(head, head.length + rest.length);
                System.arraycopy(rest, 0, all, head.length, rest.length);
                return all;
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }

    private byte[] read(FileSystem fs, int i) throws IOException {
        if (lengths[i] > Integer.MAX_VALUE - 16) {
            throw new IOException(String.format("%,d bytes is more than an image file may have", lengths[i]));
        }
        if (fs == null) {
            try {
                return readLocal(Paths.get(URI.create(uris[i])), (int) lengths[i]);
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException(uris[i]);
            }
        }
        try (FSDataInputStream in = fs.open(new Path(URI.create(uris[i])))) {
            // the listed length is a hint: read to the end in case the file changed since
            byte[] head = in.readNBytes((int) lengths[i]);
            byte[] rest = in.readAllBytes();
            if (rest.length == 0) {
                return head;
            }
            byte[] all = Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, all, head.length, rest.length);
            return all;
        }
    }
}
