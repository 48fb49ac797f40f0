package io.sparkconv.driver.train;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.train.BatchSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 *   <li>{@code -Dsparkconv.testing.trace=DIR}: every worker writes the sample ids of each batch it
 *       trains on to {@code DIR/rank-R-attempt-A.txt}, one line per step ("epoch step id id ..."),
 *       so a test can check which records a run that failed and resumed trained on.
 * </ul>
 */
public final class FaultInjection {
    public static final String STALL = "sparkconv.testing.stall";
    public static final String FAIL = "sparkconv.testing.fail";
    public static final String TRACE = "sparkconv.testing.trace";

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

    /** The source itself, or, with {@link #TRACE} set, the source writing down every batch it gives. */
    public static BatchSource traced(BatchSource source, int rank, int attempt) throws IOException {
        String dir = System.getProperty(TRACE);
        if (dir == null) {
            return source;
        }
        Path file = Files.createDirectories(Path.of(dir)).resolve("rank-" + rank + "-attempt-" + attempt + ".txt");
        return new BatchSource() {
            @Override
            public int capacity() {
                return source.capacity();
            }

            @Override
            public Batch batch(int epoch, int step) throws IOException {
                Batch b = source.batch(epoch, step);
                StringBuilder line = new StringBuilder().append(epoch).append(' ').append(step);
                for (int i = 0; i < b.size(); i++) {
                    line.append(' ').append(b.sampleIds[i]);
                }
                Files.writeString(file, line.append('\n'), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return b;
            }

            @Override
            public long waitNanos() {
                return source.waitNanos();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
