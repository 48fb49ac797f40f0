package io.sparkconv.prep.job;

import java.io.Serializable;

/**
 * What one successful task attempt wrote: its attempt folder's files, as paths relative to that
 * folder ("split=train/part-00003-....parquet"). A plain class, not a record: the job's result
 * may travel through Spark's Kryo, whose field serializer cannot build records.
 */
final class TaskFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int attempt;
    final String[] files;

    TaskFiles(int partition, int attempt, String[] files) {
        this.partition = partition;
        this.attempt = attempt;
        this.files = files;
    }
}
