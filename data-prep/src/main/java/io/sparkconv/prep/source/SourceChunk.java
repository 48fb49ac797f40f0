package io.sparkconv.prep.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;

/**
 * A slice of a source that one Spark task reads: made on the driver from the listing, shipped to an
 * executor, opened there against the input's file system.
 */
public interface SourceChunk extends Serializable {
    /** Records this chunk yields. */
    int size();

    /** Opens the chunk's files; records are read lazily as the stream is iterated. */
    RecordStream open(Configuration conf) throws IOException;

    /** Records in order; {@code next} wraps I/O failures in UncheckedIOException. */
    interface RecordStream extends Iterator<SourceRecord>, Closeable {}
}
