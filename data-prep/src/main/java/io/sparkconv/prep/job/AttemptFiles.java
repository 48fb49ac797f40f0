package io.sparkconv.prep.job;

import io.sparkconv.prep.prepared.PreparedRecord;
import io.sparkconv.prep.prepared.RecordFileWriter;
import io.sparkconv.prep.split.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Parquet files of one task attempt, one per split, opened on the split's first record in the
 * attempt's own folder ({@link RecordOutput#attemptDir}), with what each holds: its records and,
 * for a train file when there are 2 or more folds, its records per fold.
 */
final class AttemptFiles {
    private final RecordOutput output;
    private final int partition;
    private final int attempt;
    private final Configuration hadoop;
    private final Path dir;
    private final int shardRecords;
    private FileSystem fs;
    private final RecordFileWriter[] writers = new RecordFileWriter[Split.values().length];
    /** Files already opened per split: the next file's index. */
    private final int[] opened = new int[Split.values().length];
    private final List<String> files = new ArrayList<>();
    private final List<Long> records = new ArrayList<>();
    /** The open train file's records per fold; null with one fold, which is nothing to hold out. */
    private final long[] openTrainFolds;
    private final List<long[]> foldRecords = new ArrayList<>();

    /** @param folds K, the folds of the train split */
    AttemptFiles(RecordOutput output, int partition, int attempt, Configuration hadoop, int folds) {
        this.output = output;
        this.partition = partition;
        this.attempt = attempt;
        this.hadoop = hadoop;
        this.dir = output.attemptDir(partition, attempt);
        // a split's file is closed, and the next one opened, when it holds this many records
        this.shardRecords = output.shardRecords();
        this.openTrainFolds = folds >= 2 ? new long[folds] : null;
    }

    void write(Split split, PreparedRecord record) throws IOException {
        int s = split.ordinal();
        if (writers[s] == null) {
            if (fs == null) {
                fs = dir.getFileSystem(hadoop);
            }
            writers[s] = RecordFileWriter.create(fs, new Path(dir, output.fileOf(partition, split, opened[s]++)), hadoop,
                    output.codec());
        }
        writers[s].write(record);
        if (split == Split.TRAIN && openTrainFolds != null) {
            openTrainFolds[record.fold()]++;
        }
        if (writers[s].records() == shardRecords) {
            closeFile(split);
        }
    }

    private void closeFile(Split split) throws IOException {
        int s = split.ordinal();
        RecordFileWriter w = writers[s];
        writers[s] = null;
        w.close();
        files.add(output.fileOf(partition, split, opened[s] - 1));
        records.add(w.records());
        if (split == Split.TRAIN && openTrainFolds != null) {
            foldRecords.add(openTrainFolds.clone());
            java.util.Arrays.fill(openTrainFolds, 0);
        } else {
            foldRecords.add(null);
        }
    }

    /** Closes the files; what they are, and what they hold, is the task's result. */
    TaskFiles finish() throws IOException {
        for (Split split : Split.values()) {
            if (writers[split.ordinal()] != null) {
                closeFile(split);
            }
        }
        return new TaskFiles(partition, attempt, files.toArray(String[]::new),
                records.stream().mapToLong(Long::longValue).toArray(), foldRecords.toArray(long[][]::new));
    }

    /** A failed attempt closes what it opened and removes its folder; a retry starts afresh. */
    void abandon() {
        for (RecordFileWriter w : writers) {
            if (w != null) {
                try {
                    w.close();
                } catch (IOException | RuntimeException e) {
                    // already failing: the first error is the one Spark reports
                }
            }
        }
        try {
            dir.getFileSystem(hadoop).delete(dir, true);
        } catch (IOException e) {
            // left for the driver, which removes the whole temporary folder
        }
    }
}
