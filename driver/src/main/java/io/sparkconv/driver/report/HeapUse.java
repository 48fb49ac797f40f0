package io.sparkconv.driver.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * What the heap held after the garbage collector last went through it: the heap pools' collection
 * usage summed, the memory a worker really keeps (its streams' files, the net, the batches), not
 * the peak of the heap, which counts garbage not yet collected.
 */
public final class HeapUse {
    private HeapUse() {}

    /** Bytes in use right after each heap pool's most recent collection, summed over the pools. */
    public static long afterCollections() {
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
