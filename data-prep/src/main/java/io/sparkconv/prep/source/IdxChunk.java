package io.sparkconv.prep.source;

import io.sparkconv.prep.idx.IdxFile;
import io.sparkconv.prep.idx.IdxFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Images [from, from + labels.length) of an IDX images file. A gzip file cannot seek, so the stream
 * is decompressed up to {@code from}: with a few chunks per file that costs little next to the rest.
 */
final class IdxChunk implements SourceChunk {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final String name;
    private final boolean testFile;
    private final int rows;
    private final int cols;
    private final int from;
    private final byte[] labels;

    IdxChunk(String uri, String name, boolean testFile, int rows, int cols, int from, byte[] labels) {
        this.uri = uri;
        this.name = name;
        this.testFile = testFile;
        this.rows = rows;
        this.cols = cols;
        this.from = from;
        this.labels = labels;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public RecordStream open(Configuration conf) throws IOException {
        Path path = new Path(URI.create(uri));
        InputStream in = IdxFile.open(SourceFiles.forReading(path, conf).open(path));
        int item = rows * cols;
        try {
            in.skipNBytes(IdxFile.headerBytes(3) + (long) from * item);
        } catch (EOFException e) {
            in.close();
            throw new IdxFormatException(uri + ": truncated before image " + from);
        }
        return new RecordStream() {
            int next;

            @Override
            public boolean hasNext() {
                return next < labels.length;
            }

            @Override
            public SourceRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                byte[] pixels = new byte[item];
                try {
                    if (in.readNBytes(pixels, 0, item) < item) {
                        throw new IdxFormatException(uri + ": truncated in image " + (from + i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new SourceRecord.Raw(name + "#" + (from + i), labels[i] & 0xff, testFile, 1, rows, cols, pixels);
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
