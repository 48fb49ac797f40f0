package io.sparkconv.prep.job;

import io.sparkconv.prep.decode.DecodedImage;
import io.sparkconv.prep.decode.ImageRejectedException;
import io.sparkconv.prep.prepared.PreparedRecord;
import io.sparkconv.prep.source.SourceChunk;
import io.sparkconv.prep.source.SourceRecord;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.split.SplitRule;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * One task attempt's work: read its chunks' records, decode and convert them, assign split and
 * fold, and write each to its split's Parquet file in the attempt's folder, one record at a time
 * (nothing is held for the whole partition). Rejected records and the statistics go to the tally;
 * the files written are the task's result, for the driver to publish ({@link RecordOutput}).
 */
final class PrepTask implements FlatMapFunction<Iterator<SourceChunk>, TaskFiles> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<HadoopConf> conf;
    private final RecordConverter converter;
    private final SplitRule rule;
    private final RecordOutput output;
    private final PrepTally tally;
    private final LongAccumulator images;
    private final LongAccumulator rejected;

    PrepTask(Broadcast<HadoopConf> conf, RecordConverter converter, SplitRule rule, RecordOutput output,
             PrepTally tally, LongAccumulator images, LongAccumulator rejected) {
        this.conf = conf;
        this.converter = converter;
        this.rule = rule;
        this.output = output;
        this.tally = tally;
        this.images = images;
        this.rejected = rejected;
    }

    @Override
    public Iterator<TaskFiles> call(Iterator<SourceChunk> chunks) throws IOException {
        TaskContext task = TaskContext.get();
        Configuration hadoop = conf.value().get();
        AttemptFiles files = new AttemptFiles(output, task.partitionId(), task.attemptNumber(), hadoop,
                rule.folds());
        try {
            while (chunks.hasNext()) {
                try (SourceChunk.RecordStream stream = chunks.next().open(hadoop)) {
                    while (stream.hasNext()) {
                        prepare(stream.next(), files);
                    }
                }
            }
            return List.of(files.finish()).iterator();
        } catch (IOException | RuntimeException | Error e) {
            files.abandon();
            throw e;
        }
    }

    /** One record: decoded (or listed as rejected), assigned its split and fold, counted and written. */
    private void prepare(SourceRecord source, AttemptFiles files) throws IOException {
        DecodedImage image = decode(source);
        if (image == null) {
            return;
        }
        Split split = rule.split(source.key(), source.testFile());
        int fold = split == Split.TRAIN ? rule.fold(source.key(), false) : -1;
        tally.written(split, fold, image.channels(), image.height(), image.width(), image.pixels());
        files.write(split, new PreparedRecord(source.key(), source.label(), fold, image.channels(), image.height(),
                image.width(), image.pixels()));
    }

    /** The record's pixels, or null when it is rejected (then listed in the tally). */
    private DecodedImage decode(SourceRecord source) {
        images.add(1);
        try {
            return converter.convert(source);
        } catch (ImageRejectedException e) {
            rejected.add(1);
            tally.rejected(source.key(), e.reason());
            return null;
        }
    }
}
