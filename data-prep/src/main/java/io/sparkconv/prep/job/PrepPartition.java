package io.sparkconv.prep.job;

import io.sparkconv.prep.decode.DecodedImage;
import io.sparkconv.prep.decode.ImageRejectedException;
import io.sparkconv.prep.source.SourceChunk;
import io.sparkconv.prep.source.SourceRecord;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.split.SplitRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One task's work: read its chunks' records, decode and convert them, assign split and fold, and
 * hand the rows to the Parquet writer one at a time (nothing is held for the whole partition);
 * rejected records and the statistics go to the tally.
 */
final class PrepPartition implements FlatMapFunction<Iterator<SourceChunk>, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<HadoopConf> conf;
    private final RecordConverter converter;
    private final SplitRule rule;
    private final PrepTally tally;
    private final LongAccumulator images;
    private final LongAccumulator rejected;

    PrepPartition(Broadcast<HadoopConf> conf, RecordConverter converter, SplitRule rule, PrepTally tally,
                  LongAccumulator images, LongAccumulator rejected) {
        this.conf = conf;
        this.converter = converter;
        this.rule = rule;
        this.tally = tally;
        this.images = images;
        this.rejected = rejected;
    }

    @Override
    public Iterator<Row> call(Iterator<SourceChunk> chunks) {
        return new Rows(chunks);
    }

    private final class Rows implements Iterator<Row> {
        private final Iterator<SourceChunk> chunks;
        private SourceChunk.RecordStream stream;
        private Row next;

        Rows(Iterator<SourceChunk> chunks) {
            this.chunks = chunks;
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> closeStream());
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (stream != null && stream.hasNext()) {
                    next = row(stream.next());
                } else {
                    closeStream();
                    if (!chunks.hasNext()) {
                        return false;
                    }
                    try {
                        stream = chunks.next().open(conf.value().get());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        private void closeStream() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    stream = null;
                }
            }
        }
    }

    /** The record's row, or null when it is rejected (then listed in the tally). */
    private Row row(SourceRecord record) {
        images.add(1);
        DecodedImage image;
        try {
            image = converter.convert(record);
        } catch (ImageRejectedException e) {
            rejected.add(1);
            tally.rejected(record.key(), e.reason());
            return null;
        }
        Split split = rule.split(record.key(), record.testFile());
        int fold = split == Split.TRAIN ? rule.fold(record.key(), false) : -1;
        tally.written(split, fold, image.channels(), image.height(), image.width(), image.pixels());
        return RowFactory.create(record.key(), record.label(), fold, image.height(), image.width(), image.channels(),
                image.pixels(), split.dirName());
    }
}
