package io.sparkconv.driver.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DataFormat;
import io.sparkconv.driver.config.DataLoading;
import io.sparkconv.driver.data.CachedUnits;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.train.StreamPlan;
import io.sparkconv.prep.augment.AugmentSpec;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.augment.PixelStatistics;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training batches of a prepared dataset, streamed from its Parquet files worker by worker:
 * each record once an epoch whatever K, the same global batches for any K, from files or from
 * memory, and from any step a resume starts at; each worker reads only its shards' files.
 */
@ExtendWith(SharedSparkSession.class)
class StreamingBatchesTest {
    static final int BATCH = 40;
    @TempDir
    static Path root;
    static DataConfig data;
    static SplitUnits train;
    static StreamPlan plan;
    /** Every training record's key, by its id in the plan (unit order). */
    static String[] keyOf;
    static PixelStatistics statistics;

    @BeforeAll
    static void prepare(SparkSession spark) throws Exception {
        Path idx = FashionSlice.write(root.resolve("idx"), 700, 50);
        String dataset = root.resolve("prepared").toString();
        // 9 records a file: about 70 training files, which 2 and 3 divide not; 64 virtual shards
        new PrepJob(spark, new PrintStream(new ByteArrayOutputStream(), true), 1000)
                .run(PrepOptions.of(idx.toString(), dataset).withPartitions(3).withShardRecords(9));
        data = new DataConfig(DataFormat.PREPARED, dataset, null, null, null, null, 64, 1, DataLoading.STREAM);
        train = RunData.open(data).train();
        plan = new StreamPlan(11, train.recordCounts(), 64, BATCH);
        assertEquals(64, plan.shards());
        assertTrue(train.count() % 2 != 0 || train.count() % 3 != 0, train.count() + " units");
        List<String> keys = new ArrayList<>();
        for (int u = 0; u < train.count(); u++) {
            keys.addAll(Arrays.asList(train.read(u).keys()));
        }
        keyOf = keys.toArray(String[]::new);
        statistics = PixelStatistics.fit(RunData.readAll(train), AugmentSpec.none());
    }

    static StreamingBatches source(SplitUnits units, int worker, int workers) {
        return new StreamingBatches(plan, worker, workers, units, new Augmenter(AugmentSpec.none(), statistics), 11, 3, 2);
    }

    /** Keys of every step of an epoch, worker by worker. */
    static List<List<Set<String>>> epoch(int workers, int epoch) throws IOException {
        List<List<Set<String>>> byWorker = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<Set<String>> steps = new ArrayList<>();
            try (StreamingBatches source = source(train, w, workers)) {
                for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                    Batch b = source.batch(epoch, s);
                    Set<String> keys = new HashSet<>();
                    for (int i = 0; i < b.size(); i++) {
                        assertTrue(keys.add(keyOf[(int) b.sampleIds[i]]));
                    }
                    steps.add(keys);
                }
            }
            byWorker.add(steps);
        }
        return byWorker;
    }

    @ParameterizedTest(name = "K = {0}")
    @ValueSource(ints = {1, 2, 3})
    void everyRecordIsTrainedOnOnceAnEpochAndTheGlobalBatchesDoNotDependOnK(int workers) throws IOException {
        List<List<Set<String>>> one = epoch(1, 1);
        List<List<Set<String>>> k = epoch(workers, 1);
        Set<String> seen = new HashSet<>();
        for (int s = 0; s < plan.stepsPerEpoch(); s++) {
            Set<String> global = new TreeSet<>();
            for (List<Set<String>> worker : k) {
                for (String key : worker.get(s)) {
                    assertTrue(seen.add(key), key + " twice in the epoch");
                    global.add(key);
                }
            }
            assertEquals(new TreeSet<>(one.get(0).get(s)), global, "step " + s);
        }
        // every record but the fewer than B the last partial batch would hold
        assertEquals((long) plan.stepsPerEpoch() * BATCH, seen.size());
        assertTrue(train.totalRecords() - seen.size() < BATCH);
    }

    @Test
    void filesAndMemoryGiveTheSameBatches() throws IOException {
        try (StreamingBatches streamed = source(train, 1, 2);
             StreamingBatches kept = source(new CachedUnits(train), 1, 2)) {
            for (int e = 0; e < 2; e++) {
                for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                    Batch a = streamed.batch(e, s);
                    Batch b = kept.batch(e, s);
                    assertEquals(a.size(), b.size());
                    assertArrayEquals(Arrays.copyOf(a.sampleIds, a.size()), Arrays.copyOf(b.sampleIds, b.size()));
                    assertArrayEquals(Arrays.copyOf(a.labels, a.size()), Arrays.copyOf(b.labels, b.size()));
                    assertArrayEquals(Arrays.copyOf(a.images, a.size() * a.imageSize()),
                            Arrays.copyOf(b.images, b.size() * b.imageSize()));
                }
            }
        }
    }

    @Test
    void aStartMidEpochGivesTheBatchesAnUninterruptedRunGives() throws IOException {
        int from = plan.stepsPerEpoch() / 2;
        List<long[]> continuous = new ArrayList<>();
        try (StreamingBatches source = source(train, 0, 2)) {
            for (int e = 0; e < 2; e++) {
                for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                    Batch b = source.batch(e, s);
                    if (e == 1 && s >= from) {
                        continuous.add(Arrays.copyOf(b.sampleIds, b.size()));
                    }
                }
            }
        }
        try (StreamingBatches resumed = source(train, 0, 2).startAt(1, from)) {
            for (int s = from; s < plan.stepsPerEpoch(); s++) {
                Batch b = resumed.batch(1, s);
                assertArrayEquals(continuous.get(s - from), Arrays.copyOf(b.sampleIds, b.size()), "step " + s);
            }
            // and back to an earlier step, as a retried step job asks
            Batch again = resumed.batch(1, from);
            assertArrayEquals(continuous.get(0), Arrays.copyOf(again.sampleIds, again.size()));
        }
    }

    /**
     * A streamed run stopped mid-epoch and resumed from its checkpoint (which holds only the epoch
     * and step: the streams' positions follow from them) ends bit for bit where an uninterrupted
     * one does.
     */
    @Test
    void aStreamedRunResumedMidEpochEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("train.yaml");
        java.nio.file.Files.writeString(conf, "net: " + Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize()
                + "\ndata: {format: prepared, path: " + data.path() + ", loading: stream}\n"
                + "training: {epochs: 2, batch_size: " + BATCH + ", eval_batch_size: 100, seed: 11}\n"
                + "runtime: {threads: 1}\ndistributed: {master: none, checkpoint_every: 4}\n");
        int steps = plan.stepsPerEpoch();
        assertEquals(0, io.sparkconv.driver.cli.Main.run("train", "--conf", conf.toString(), "--out", dir.resolve("through").toString()));
        System.setProperty(io.sparkconv.driver.train.FaultInjection.FAIL, Integer.toString(steps + 6));
        try {
            assertEquals(1, io.sparkconv.driver.cli.Main.run("train", "--conf", conf.toString(), "--out",
                    dir.resolve("resumed").toString()));
        } finally {
            System.clearProperty(io.sparkconv.driver.train.FaultInjection.FAIL);
        }
        var mid = io.sparkconv.driver.checkpoint.Checkpoint.latest(dir.resolve("resumed/checkpoints").toUri().toString())
                .orElseThrow();
        assertEquals(1, mid.header().epoch());
        assertEquals(4, mid.header().step(), "a checkpoint inside the second epoch");
        assertEquals(0, io.sparkconv.driver.cli.Main.run("train", "--resume", dir.resolve("resumed").toString()));
        var a = io.sparkconv.driver.checkpoint.Checkpoint.latest(dir.resolve("through/model").toUri().toString()).orElseThrow();
        var b = io.sparkconv.driver.checkpoint.Checkpoint.latest(dir.resolve("resumed/model").toUri().toString()).orElseThrow();
        assertArrayEquals(a.params(), b.params(), "parameters");
        assertEquals(a.header().trainLoss(), b.header().trainLoss());
    }

    @Test
    void aWorkerReadsOnlyTheFilesOfItsShards() throws IOException {
        Set<Integer> read = ConcurrentHashMap.newKeySet();
        SplitUnits counting = new SplitUnits(train.name(), train.shape(), train.classes(), train.recordCounts()) {
            @Override
            public ImageSet read(int unit) throws IOException {
                read.add(unit);
                return train.read(unit);
            }

            @Override
            public String describe(int unit) {
                return train.describe(unit);
            }
        };
        Set<Integer> owned = new HashSet<>();
        for (int shard : plan.shardsOf(1, 3)) {
            plan.pieces(shard).forEach(p -> owned.add(p.unit()));
        }
        try (StreamingBatches source = source(counting, 1, 3)) {
            for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                source.batch(0, s);
            }
        }
        assertTrue(owned.containsAll(read), "read " + read + ", owns " + owned);
        // its 21 of 64 shards span at most two files each
        assertTrue(owned.size() <= 2 * plan.shardsOf(1, 3).length && owned.size() < train.count(),
                owned.size() + " of " + train.count());
        assertEquals(owned, read, "it reads every file of its shards in an epoch");
    }

    @Test
    void aStreamThatWouldNotFitInTheBudgetIsRefusedBeforeTraining() {
        // 400 files of 1,000 RGB 256 x 256 images (196 MB each), never read: only their sizes count
        long[] counts = new long[400];
        Arrays.fill(counts, 1000);
        SplitUnits large = new SplitUnits("train", new io.sparkconv.kernels.spec.Shape(3, 256, 256), 10, counts) {
            @Override
            public ImageSet read(int unit) {
                throw new AssertionError("read " + unit);
            }

            @Override
            public String describe(int unit) {
                return "file " + unit;
            }
        };
        StreamPlan big = new StreamPlan(11, counts, 64, BATCH);
        DataConfig auto = new DataConfig(DataFormat.PREPARED, data.path(), null, null, null, null, 64, 512, DataLoading.AUTO);
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingPart.of(large, big, 0, 2, auto));
        assertTrue(e.getMessage().contains("more than data.memory_mb 512"), e.getMessage());
        // with 4 shards of their own, 8 files at a time fit in 2 GB
        DataConfig more = new DataConfig(DataFormat.PREPARED, data.path(), null, null, null, null, 8, 2048, DataLoading.AUTO);
        TrainingPart part = TrainingPart.of(large, new StreamPlan(11, counts, 8, BATCH), 0, 2, more);
        assertTrue(part.description().contains("streamed"), part.description());
    }
}
