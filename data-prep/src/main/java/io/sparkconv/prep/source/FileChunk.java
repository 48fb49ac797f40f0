package io.sparkconv.prep.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
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

    private byte[] read(FileSystem fs, int i) throws IOException {
        if (lengths[i] > Integer.MAX_VALUE - 16) {
            throw new IOException(String.format("%,d bytes is more than an image file may have", lengths[i]));
        }
        if (fs == null) {
            try {
                return Files.readAllBytes(Paths.get(URI.create(uris[i])));
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
            byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, all, head.length, rest.length);
            return all;
        }
    }
}
