package io.sparkconv.prep.job;

import io.sparkconv.prep.prepared.RecordSchema;
import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Where the job's task attempts write and how their files reach {@code OUT/records/split=NAME/}:
 * Hadoop's FileOutputCommitter (algorithm 1) cut down to this job. Each attempt writes under its
 * own folder in {@code records/_temporary/JOB/}; once every partition has succeeded the driver
 * moves the files of the attempts Spark reported (one per partition, so a retried or speculative
 * attempt's leftovers are never published), drops the temporary folder and writes
 * {@code _SUCCESS}. A failed job leaves no part files behind.
 */
final class RecordOutput implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String TEMPORARY = "_temporary";

    private final String records;
    private final String jobId;
    private final CompressionCodecName codec;
    private final int shardRecords;

    /**
     * @param records      the qualified OUT/records folder, which must not exist yet
     * @param shardRecords records per file (a split's last file of a partition holds the rest)
     */
    RecordOutput(String records, String jobId, CompressionCodecName codec, int shardRecords) {
        this.records = records;
        this.jobId = jobId;
        this.codec = codec;
        this.shardRecords = shardRecords;
    }

    int shardRecords() {
        return shardRecords;
    }

    CompressionCodecName codec() {
        return codec;
    }

    Path attemptDir(int partition, int attempt) {
        return new Path(new Path(new Path(records, TEMPORARY), jobId), "attempt-" + partition + "-" + attempt);
    }

    /**
     * The index-th file of one partition and split (a split's records of a partition fill files of
     * {@code shard_records} each), relative to an attempt folder and to the records folder alike.
     */
    String fileOf(int partition, Split split, int index) {
        return RecordSchema.SPLIT + "=" + split.dirName() + "/"
                + String.format("part-%05d-%05d-%s%s.parquet", partition, index, jobId, codec.getExtension());
    }

    /** Publishes the successful attempts' files; on any failure removes what it had published, then rethrows. */
    void commit(List<TaskFiles> tasks, Configuration conf) throws IOException {
        Path root = new Path(records);
        FileSystem fs = root.getFileSystem(conf);
        try {
            for (TaskFiles task : tasks) {
                Path from = attemptDir(task.partition, task.attempt);
                for (String file : task.files) {
                    Path to = new Path(root, file);
                    fs.mkdirs(to.getParent());
                    if (!fs.rename(new Path(from, file), to)) {
                        throw new IOException("cannot move " + new Path(from, file) + " to " + to);
                    }
                }
            }
            fs.delete(new Path(root, TEMPORARY), true);
            fs.create(new Path(root, "_SUCCESS"), false).close();
        } catch (IOException | RuntimeException e) {
            abort(conf);
            throw e;
        }
    }

    /** Removes the records folder with everything the job wrote into it. */
    void abort(Configuration conf) {
        Path root = new Path(records);
        try {
            root.getFileSystem(conf).delete(root, true);
        } catch (IOException e) {
            // the job's own failure is the one to report; a leftover folder is named by the next run
        }
    }
}
