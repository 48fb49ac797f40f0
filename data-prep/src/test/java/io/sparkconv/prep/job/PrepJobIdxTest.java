package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedDataset;
import io.sparkconv.prep.prepared.PreparedSplit;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.split.SplitRule;
import io.sparkconv.testing.DirectStats;
import io.sparkconv.testing.FashionSlice;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end on real Fashion-MNIST images written out as a small IDX dataset. */
@ExtendWith(SharedSparkSession.class)
class PrepJobIdxTest {
    static final int TRAIN = 900;
    static final int TEST = 200;

    @TempDir
    static Path root;
    static Path data;
    static ImageSet trainFiles;

    @BeforeAll
    static void writeSlice() throws IOException {
        data = FashionSlice.write(root.resolve("fashion"), TRAIN, TEST);
        trainFiles = IdxImageSets.train(data);
    }

    static Manifest prep(SparkSession spark, PrepOptions o, ByteArrayOutputStream log) throws IOException {
        return new PrepJob(spark, new PrintStream(log, true), 100).run(o);
    }

    static Manifest prep(SparkSession spark, PrepOptions o) throws IOException {
        return prep(spark, o, new ByteArrayOutputStream());
    }

    /** key -> "split/fold" of every record of a prepared dataset. */
    static Map<String, String> assignment(SparkSession spark, String out) throws IOException {
        PreparedDataset ds = PreparedDataset.open(out);
        Map<String, String> m = new HashMap<>();
        for (Split s : Split.values()) {
            for (Row r : ds.records(spark, s.dirName()).select("key", "split", "fold").collectAsList()) {
                assertEquals(s.dirName(), r.getString(1));
                assertTrue(m.put(r.getString(0), r.getString(1) + "/" + r.getInt(2)) == null, "one record per key");
            }
        }
        return m;
    }

    /**
     * Files of at most --shard-records records each, the last of a partition's split holding the
     * rest; the manifest lists every file with its split and count, the counts match each file's
     * own footer and add up to the split counts, and the files hold every record once.
     */
    @Test
    void filesOfAFixedRecordCountListedInTheManifest(SparkSession spark) throws IOException {
        String out = root.resolve("out-shards").toString();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withPartitions(3).withShardRecords(64));
        assertEquals(64, m.options().shardRecords());
        Configuration conf = new Configuration();
        long[] perSplit = new long[Split.values().length];
        java.util.Set<String> listed = new java.util.HashSet<>();
        String previousSplit = "train";
        for (Manifest.Shard shard : m.shards()) {
            assertTrue(shard.records() >= 1 && shard.records() <= 64, shard.toString());
            assertTrue(shard.file().startsWith("split=" + shard.split() + "/"), shard.toString());
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(out + "/records/" + shard.file());
            try (org.apache.parquet.hadoop.ParquetFileReader footer = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(file, conf))) {
                assertEquals(shard.records(), footer.getRecordCount(), shard.file() + ": the footer's count");
            }
            assertTrue(Split.of(shard.split()).ordinal() >= Split.of(previousSplit).ordinal(), "train, then validation, then test");
            previousSplit = shard.split();
            perSplit[Split.of(shard.split()).ordinal()] += shard.records();
            listed.add(shard.file());
        }
        assertEquals(m.counts().train(), perSplit[Split.TRAIN.ordinal()]);
        assertEquals(m.counts().validation(), perSplit[Split.VALIDATION.ordinal()]);
        assertEquals(m.counts().test(), perSplit[Split.TEST.ordinal()]);
        assertTrue(m.shards().size() > 3 * 3, "more files than partitions x splits: " + m.shards().size());
        // every file on disk is listed, and the files hold every record exactly once
        try (var walk = java.nio.file.Files.walk(java.nio.file.Path.of(out, "records"))) {
            List<String> onDisk = walk.filter(f -> f.toString().endsWith(".parquet"))
                    .map(f -> java.nio.file.Path.of(out, "records").relativize(f).toString()).toList();
            assertEquals(listed, new java.util.HashSet<>(onDisk));
        }
        assertEquals(m.counts().total(), assignment(spark, out).size());
    }

    /**
     * With folds, each train file lists its records per fold: they add up to the file's records,
     * over all files to the manifest's fold counts, and are what the files hold. Validation and
     * test files, and every file of a dataset with one fold, list none; a manifest written before
     * they were listed reads as null.
     */
    @Test
    void trainFilesListTheirRecordsPerFold(SparkSession spark) throws IOException {
        String out = root.resolve("out-file-folds").toString();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withFolds(3).withPartitions(3)
                .withShardRecords(64));
        Map<String, long[]> held = new HashMap<>();
        for (Row r : spark.read().parquet(out + "/records/split=train")
                .select(org.apache.spark.sql.functions.input_file_name(), org.apache.spark.sql.functions.col("fold"))
                .collectAsList()) {
            String path = r.getString(0);
            held.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), f -> new long[3])[r.getInt(1)]++;
        }
        long[] perFold = new long[3];
        int trainFiles = 0;
        for (Manifest.Shard shard : m.shards()) {
            if (!shard.split().equals("train")) {
                assertEquals(null, shard.foldRecords(), shard.file());
                continue;
            }
            trainFiles++;
            assertEquals(3, shard.foldRecords().size(), shard.file());
            assertEquals(shard.records(), shard.foldRecords().stream().mapToLong(Long::longValue).sum(), shard.file());
            long[] inFile = held.remove(shard.file().substring(shard.file().lastIndexOf('/') + 1));
            assertNotNull(inFile, shard.file() + " holds train records");
            assertEquals(Arrays.stream(inFile).boxed().toList(), shard.foldRecords(), shard.file() + ": what it holds");
            for (int f = 0; f < 3; f++) {
                perFold[f] += shard.foldRecords().get(f);
            }
        }
        assertTrue(held.isEmpty(), "files not in the manifest: " + held.keySet());
        assertTrue(trainFiles > 3, "several train files: " + trainFiles);
        assertEquals(Arrays.stream(perFold).boxed().toList(), m.foldCounts());
        assertEquals(m, Manifest.read(out, new Configuration()), "the manifest round-trips");

        // a manifest from before fold_records was written
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode tree = json.readTree(Path.of(out, Manifest.FILE_NAME).toFile());
        tree.get("shards").forEach(s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove("fold_records"));
        Path older = Files.createDirectories(root.resolve("out-older-manifest"));
        json.writeValue(older.resolve(Manifest.FILE_NAME).toFile(), tree);
        Manifest old = Manifest.read(older.toString(), new Configuration());
        assertEquals(m.shards().size(), old.shards().size());
        assertTrue(old.shards().stream().allMatch(s -> s.foldRecords() == null));
        assertEquals(m.shards().get(0).records(), old.shards().get(0).records());

        Manifest oneFold = prep(spark, PrepOptions.of(data.toString(), root.resolve("out-one-fold").toString())
                .withFolds(1).withPartitions(2));
        assertTrue(oneFold.shards().stream().allMatch(s -> s.foldRecords() == null), "one fold: nothing to hold out");
    }

    @Test
    void countsShapesLabelsPixelsFoldsAndStats(SparkSession spark) throws IOException {
        String out = root.resolve("out-main").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withFolds(3).withPartitions(3), log);

        SplitRule rule = new SplitRule(0.1, 0, 3);
        long[] expected = new long[3];
        long[] expectedFolds = new long[3];
        for (String key : trainFiles.keys()) {
            expected[rule.split(key, false).ordinal()]++;
            if (rule.split(key, false) == Split.TRAIN) {
                expectedFolds[rule.fold(key, false)]++;
            }
        }
        assertEquals("idx", m.source().format());
        assertEquals(10, m.classes().size());
        assertEquals(new Manifest.ImageShape(1, 28, 28), m.shape());
        assertEquals(new Manifest.Counts(expected[0], expected[1], TEST), m.counts());
        assertEquals(Arrays.stream(expectedFolds).boxed().toList(), m.foldCounts());
        assertEquals(TRAIN + TEST, m.totals().read());
        assertEquals(TRAIN + TEST, m.totals().written());
        assertEquals(0, m.totals().rejected());
        assertTrue(m.rejected().isEmpty());
        assertEquals(0.0, m.options().test());
        assertEquals(1000, m.options().shardRecords(), "automatic, size kept");
        assertEquals(m, Manifest.read(out, new Configuration()), "the manifest round-trips");
        String text = log.toString();
        assertTrue(text.contains(String.format("prep: images read %,d, written %,d, rejected 0", TRAIN + TEST,
                TRAIN + TEST)), text);

        PreparedDataset ds = PreparedDataset.open(out);
        PreparedSplit train = ds.load(spark, "train");
        ImageSet images = train.images();
        assertEquals(expected[0], images.size());
        int plane = 28 * 28;
        byte[][] trainPixels = new byte[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            String key = images.keys()[i];
            if (i > 0) {
                assertTrue(images.keys()[i - 1].compareTo(key) < 0, "ordered by key");
            }
            int index = Integer.parseInt(key.substring(key.indexOf('#') + 1));
            assertEquals("train-images-idx3-ubyte.gz#" + index, key);
            assertEquals(trainFiles.labels()[index], images.labels()[i], key);
            trainPixels[i] = Arrays.copyOfRange(images.pixels(), i * plane, (i + 1) * plane);
            assertArrayEquals(Arrays.copyOfRange(trainFiles.pixels(), index * plane, (index + 1) * plane),
                    trainPixels[i], key);
            assertEquals(rule.fold(key, false), train.folds()[i], key);
        }
        double[][] direct = DirectStats.of(trainPixels, 1, plane);
        assertEquals(direct[1][0], m.stats().mean().get(0), 1e-9);
        assertEquals(Math.sqrt(direct[0][0]), m.stats().std().get(0), 1e-9);
        assertEquals(null, m.stats().covariance());

        PreparedSplit test = ds.load(spark, "test");
        assertEquals(TEST, test.images().size());
        assertTrue(Arrays.stream(test.folds()).allMatch(f -> f == -1));
        assertEquals(expected[1], ds.records(spark, "validation").count());
    }

    @Test
    void splitsDoNotDependOnPartitionsAndAddingImagesMovesNothing(SparkSession spark) throws IOException {
        String two = root.resolve("out-p2").toString();
        String five = root.resolve("out-p5").toString();
        prep(spark, PrepOptions.of(data.toString(), two).withFolds(4).withPartitions(2));
        prep(spark, PrepOptions.of(data.toString(), five).withFolds(4).withPartitions(5));
        Map<String, String> a = assignment(spark, two);
        assertEquals(TRAIN + TEST, a.size());
        assertEquals(a, assignment(spark, five));

        Path bigger = FashionSlice.write(root.resolve("fashion-more"), TRAIN + 500, TEST);
        String more = root.resolve("out-more").toString();
        prep(spark, PrepOptions.of(bigger.toString(), more).withFolds(4));
        Map<String, String> c = assignment(spark, more);
        assertEquals(TRAIN + 500 + TEST, c.size());
        for (Map.Entry<String, String> e : a.entrySet()) {
            assertEquals(e.getValue(), c.get(e.getKey()), e.getKey());
        }
    }

    @Test
    void greyBecomesRgbAndIsResized(SparkSession spark) throws IOException {
        String out = root.resolve("out-rgb").toString();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withChannels(3).withSize(32));
        assertEquals(new Manifest.ImageShape(3, 32, 32), m.shape());
        ImageSet test = PreparedDataset.open(out).load(spark, "test").images();
        int plane = 32 * 32;
        byte[] px = test.pixels();
        for (int i = 0; i < test.size(); i++) {
            int base = i * 3 * plane;
            assertArrayEquals(Arrays.copyOfRange(px, base, base + plane), Arrays.copyOfRange(px, base + plane, base + 2 * plane));
            assertArrayEquals(Arrays.copyOfRange(px, base, base + plane), Arrays.copyOfRange(px, base + 2 * plane, base + 3 * plane));
        }
        // resizing by area averaging keeps an image's mean brightness
        int index = Integer.parseInt(test.keys()[0].substring(test.keys()[0].indexOf('#') + 1));
        ImageSet original = IdxImageSets.test(data);
        double before = 0;
        for (int j = 0; j < 784; j++) {
            before += original.pixels()[index * 784 + j] & 0xff;
        }
        double after = 0;
        for (int j = 0; j < plane; j++) {
            after += px[j] & 0xff;
        }
        assertEquals(before / 784, after / plane, 2.0);
        assertNotNull(m.stats().covariance(), "RGB statistics include the covariance");
    }

    /** Without --shard-records, files of 3 x 128 x 128 images hold 85 records (4 MiB of pixels). */
    @Test
    void recordsPerFileFollowTheImageSizeUnlessGiven(SparkSession spark) throws IOException {
        String out = root.resolve("out-auto-shards").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withChannels(3).withSize(128).withPartitions(1),
                log);
        assertEquals(85, m.options().shardRecords());
        assertTrue(log.toString().contains("85 records a file"), log.toString());
        for (Split split : Split.values()) {
            List<Manifest.Shard> files = m.shards().stream().filter(s -> s.split().equals(split.dirName())).toList();
            // one task: every file of a split but its last is full
            for (int i = 0; i < files.size(); i++) {
                long records = files.get(i).records();
                assertTrue(i < files.size() - 1 ? records == 85 : records >= 1 && records <= 85, files.get(i).toString());
            }
        }
        assertEquals(TRAIN + TEST, m.shards().stream().mapToLong(Manifest.Shard::records).sum());
    }

    @Test
    void aTestFractionForASourceWithTestFilesIsRefusedBeforeWork(SparkSession spark) {
        Path out = root.resolve("out-refused");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prep(spark, PrepOptions.of(data.toString(), out.toString()).withFractions(0.1, 0.2)));
        assertTrue(e.getMessage().contains("--test 0.2") && e.getMessage().contains("t10k"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    /** Pixels are stored uncompressed unless asked; the codec asked for is the files' and the manifest's. */
    @Test
    void compressionIsNoneUnlessAskedForAndAnUnknownCodecFailsBeforeWork(SparkSession spark) throws IOException {
        Path plain = root.resolve("out-plain");
        assertEquals("none", prep(spark, PrepOptions.of(data.toString(), plain.toString()).withPartitions(2))
                .options().compression());
        Path zstd = root.resolve("out-zstd");
        Manifest m = prep(spark, PrepOptions.of(data.toString(), zstd.toString()).withPartitions(2)
                .withCompression("zstd"));
        assertEquals("zstd", m.options().compression());
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(zstd.resolve("records"))) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            assertTrue(f.getFileName().toString().endsWith(".zstd.parquet"), f.toString());
            try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                            new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.conf.Configuration()))) {
                assertEquals(org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD,
                        r.getFooter().getBlocks().get(0).getColumns().get(0).getCodec());
            }
        }
        assertEquals(TRAIN + TEST, assignment(spark, zstd.toString()).size());
        // a Spark user's own setting counts when --compression is not given
        spark.conf().set("spark.sql.parquet.compression.codec", "snappy");
        try {
            assertEquals("snappy", prep(spark, PrepOptions.of(data.toString(), root.resolve("out-spark-codec").toString())
                    .withPartitions(1)).options().compression());
        } finally {
            spark.conf().unset("spark.sql.parquet.compression.codec");
        }
        Path bad = root.resolve("out-bad-codec");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prep(spark, PrepOptions.of(data.toString(), bad.toString()).withCompression("brotli")));
        assertTrue(e.getMessage().contains("--compression brotli"), e.getMessage());
        assertFalse(Files.exists(bad));
    }

    @Test
    void aNonEmptyOutputIsKeptUnlessOverwriteIsGiven(SparkSession spark) throws IOException {
        Path out = root.resolve("out-twice");
        prep(spark, PrepOptions.of(data.toString(), out.toString()).withPartitions(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prep(spark, PrepOptions.of(data.toString(), out.toString())));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out.toString()).withOut(out.toString(), true)
                .withFolds(2));
        assertEquals(2, m.foldCounts().size());
        assertEquals(TRAIN + TEST, assignment(spark, out.toString()).size());
    }
}
