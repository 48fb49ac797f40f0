package io.sparkconv.prep.job;

import java.io.Serializable;

/**
 * What one successful task attempt wrote: its attempt folder's files, as paths relative to that
 * folder ("split=train/part-00003-00000-....parquet"), how many records each holds and, for a
 * train file, how many of them each fold holds. A plain class, not a record: the job's result may
 * travel through Spark's Kryo, whose field serializer cannot build records.
 */
final class TaskFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int attempt;
    final String[] files;
    /** records[i] is how many records files[i] holds. */
    final long[] records;
    /**
     * foldRecords[i][k] is how many of files[i]'s records are in fold k; foldRecords[i] is null
     * unless files[i] is a train file of a dataset with 2 or more folds.
     */
    final long[][] foldRecords;

    TaskFiles(int partition, int attempt, String[] files, long[] records, long[][] foldRecords) {
        this.partition = partition;
        this.attempt = attempt;
        this.files = files;
        this.records = records;
        this.foldRecords = foldRecords;
    }
}
