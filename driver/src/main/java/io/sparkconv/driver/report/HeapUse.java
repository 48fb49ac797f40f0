package io.sparkconv.driver.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * What the heap holds once garbage is gone: after a full collection, the heap pools' collection
 * usage summed. That is the memory a worker really keeps (its streams' files, the net, the
 * batches), not the peak of the heap, which counts garbage not yet collected, nor the pools' usage
 * after whatever collection last ran, which depends on when the collector happened to run.
 */
public final class HeapUse {
    private HeapUse() {}

    /**
     * Runs a full collection (one, at the end of training: its cost does not count in any figure)
     * and returns the bytes in use right after it, summed over the heap pools.
     */
    public static long afterCollections() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
                    ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /** The largest heap the JVM may grow to. */
    public static long max() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }
}
