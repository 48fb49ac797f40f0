package io.sparkconv.driver.train;

import org.apache.spark.TaskContext;

/**
 * Fault injection for the failure tests, off unless asked for.
 *
 * <ul>
 *   <li>{@code -Dsparkconv.testing.stall=RANK:STEP} in the executors' JVM (the test's own JVM on
 *       {@code local[N]}): worker RANK stops answering in the first stage attempt when it reaches
 *       global step STEP, just before its all-reduce: alive, sockets open, silent. It stays so until
 *       Spark kills its task, as a worker stuck in a long GC pause or a hung native call would
 *       (Spark marks the other tasks of a failed barrier stage killed but does not interrupt their threads).
 *   <li>{@code -Dsparkconv.testing.fail=STEP}: a run in this process fails at global step STEP, as
 *       one whose machine went away would; what a resume then starts from is the last checkpoint.
 * </ul>
 */
public final class FaultInjection {
    public static final String STALL = "sparkconv.testing.stall";
    public static final String FAIL = "sparkconv.testing.fail";

    private FaultInjection() {}

    public static void maybeStall(int rank, int stageAttempt, long globalStep) {
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

    public static void maybeFail(long globalStep) {
        if (Long.toString(globalStep).equals(System.getProperty(FAIL))) {
            throw new TrainingFailedException("stopped at global step " + globalStep + " (" + FAIL + ")");
        }
    }
}
