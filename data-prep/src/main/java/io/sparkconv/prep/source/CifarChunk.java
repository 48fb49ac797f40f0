package io.sparkconv.prep.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/** Records [from, to) of a CIFAR batch file; records have a fixed size, so the chunk seeks to its first. */
final class CifarChunk implements SourceChunk {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final String name;
    private final boolean testFile;
    private final boolean cifar100;
    private final int classes;
    private final int from;
    private final int to;

    CifarChunk(String uri, String name, boolean testFile, boolean cifar100, int classes, int from, int to) {
        this.uri = uri;
        this.name = name;
        this.testFile = testFile;
        this.cifar100 = cifar100;
        this.classes = classes;
        this.from = from;
        this.to = to;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public RecordStream open(Configuration conf) throws IOException {
        Path path = new Path(URI.create(uri));
        int recordSize = CifarSource.recordSize(cifar100);
        FSDataInputStream raw = SourceFiles.forReading(path, conf).open(path);
        raw.seek((long) from * recordSize);
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        return new RecordStream() {
            int next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public SourceRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int index = next++;
                byte[] record = new byte[recordSize];
                try {
                    if (in.readNBytes(record, 0, recordSize) < recordSize) {
                        throw new IOException(uri + ": truncated in record " + index);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String key = name + "#" + index;
                // CIFAR-100: coarse label, then fine label; the fine one is the class
                int label = record[cifar100 ? 1 : 0] & 0xff;
                if (label >= classes) {
                    return new SourceRecord.Rejected(key, label, testFile,
                            "label " + label + " outside the " + classes + " classes");
                }
                byte[] pixels = java.util.Arrays.copyOfRange(record, recordSize - CifarSource.PIXELS, recordSize);
                return new SourceRecord.Raw(key, label, testFile, 3, CifarSource.SIDE, CifarSource.SIDE, pixels);
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
