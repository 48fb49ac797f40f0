package io.sparkconv.driver.data;

import io.sparkconv.prep.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An in-memory set (IDX files) cut into consecutive chunks of {@link #CHUNK} images, the units a
 * stream reads: small, so that even a small set has enough of them for many virtual shards.
 */
public final class MemoryUnits extends SplitUnits {
    public static final int CHUNK = 100;

    private final List<ImageSet> chunks;

    private MemoryUnits(ImageSet set, long[] records, List<ImageSet> chunks) {
        super(set.name(), set.shape(), set.classes(), records);
        this.chunks = chunks;
    }

    public static MemoryUnits of(ImageSet set) {
        int n = (set.size() + CHUNK - 1) / CHUNK;
        long[] records = chunkRecords(set.size());
        List<ImageSet> chunks = new ArrayList<>(n);
        for (int u = 0; u < n; u++) {
            int from = u * CHUNK;
            chunks.add(set.subset(set.name() + "#" + u, IntStream.range(from, Math.min(set.size(), from + CHUNK)).toArray()));
        }
        return new MemoryUnits(set, records, chunks);
    }

    /** The chunk sizes of a set of {@code images}, without the set. */
    public static long[] chunkRecords(long images) {
        int n = (int) ((images + CHUNK - 1) / CHUNK);
        long[] records = new long[n];
        for (int u = 0; u < n; u++) {
            records[u] = Math.min(CHUNK, images - (long) u * CHUNK);
        }
        return records;
    }

    @Override
    public ImageSet read(int unit) {
        return chunks.get(unit);
    }

    @Override
    public String describe(int unit) {
        return name() + " images " + unit * CHUNK + ".." + (unit * CHUNK + records(unit) - 1);
    }
}
