package io.sparkconv.driver.data;

import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/** Units read once and kept: a worker whose part of the training split fits in its memory budget. */
public final class CachedUnits extends SplitUnits {
    private final SplitUnits source;
    private final ConcurrentHashMap<Integer, ImageSet> kept = new ConcurrentHashMap<>();

    public CachedUnits(SplitUnits source) {
        super(source.name(), source.shape(), source.classes(), source.recordCounts());
        this.source = source;
    }

    @Override
    public ImageSet read(int unit) throws IOException {
        ImageSet set = kept.get(unit);
        if (set == null) {
            set = source.read(unit);
            kept.put(unit, set);
        }
        return set;
    }

    @Override
    public String describe(int unit) {
        return source.describe(unit);
    }
}
