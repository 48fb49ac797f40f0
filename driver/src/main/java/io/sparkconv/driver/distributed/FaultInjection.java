package io.sparkconv.driver.distributed;

import org.apache.spark.TaskContext;

/**
 * Fault injection for the failure tests, off unless asked for: with
 * {@code -Dsparkconv.testing.stall=RANK:STEP} in the executors' JVM (the test's own JVM on
 * {@code local[N]}), worker RANK stops answering in the first stage attempt when it reaches global
 * step STEP, just before its all-reduce: alive, sockets open, silent. It stays so until Spark kills
 * its task, as a worker stuck in a long GC pause or a hung native call would (Spark marks the other
 * tasks of a failed barrier stage killed but does not interrupt their threads).
 */
final class FaultInjection {
    static final String STALL = "sparkconv.testing.stall";

    private FaultInjection() {}

    static void maybeStall(int rank, int stageAttempt, long globalStep) {
        String stall = System.getProperty(STALL);
        if (stall == null || stageAttempt != 0 || !stall.equals(rank + ":" + globalStep)) {
            return;
        }
        TaskContext task = TaskContext.get();
        while (task == null || !task.isInterrupted()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (task != null) {
            task.killTaskIfInterrupted();
        }
        throw new IllegalStateException("stalled worker " + rank + " was stopped");
    }
}
