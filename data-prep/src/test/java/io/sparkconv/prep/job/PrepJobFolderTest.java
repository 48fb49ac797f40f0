package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.decode.DecodeOptions;
import io.sparkconv.prep.decode.ImageDecoder;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedDataset;
import io.sparkconv.prep.source.SourceException;
import io.sparkconv.prep.split.Split;
import io.sparkconv.prep.split.SplitRule;
import io.sparkconv.testing.DirectStats;
import io.sparkconv.testing.ImageCorpus;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The job on an image-folder corpus of real JPEG and PNG files, special and broken ones included. */
@ExtendWith(SharedSparkSession.class)
class PrepJobFolderTest {
    @TempDir
    static Path root;
    static ImageCorpus.Written corpus;

    @BeforeAll
    static void writeCorpus() throws IOException {
        corpus = ImageCorpus.write(root.resolve("corpus"), 9);
    }

    static String key(ImageCorpus.Entry e) {
        return corpus.root().relativize(e.path()).toString().replace('\\', '/');
    }

    static Manifest prep(SparkSession spark, PrepOptions o, ByteArrayOutputStream log) throws IOException {
        return new PrepJob(spark, new PrintStream(log, true), 100).run(o);
    }

    @Test
    void countsShapesLabelsPixelsRejectsAndStats(SparkSession spark) throws Exception {
        String out = root.resolve("out").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Manifest m = prep(spark, PrepOptions.of(corpus.root().toString(), out).withFractions(0.2, 0.2).withFolds(3)
                .withPartitions(3), log);

        assertEquals("folder", m.source().format());
        assertEquals(corpus.classes(), m.classes());
        assertEquals(corpus.entries().size(), m.totals().read());
        assertEquals(corpus.decoded().size(), m.totals().written());
        List<Manifest.Rejection> expectedRejects = new ArrayList<>();
        for (ImageCorpus.Entry e : corpus.rejected()) {
            expectedRejects.add(new Manifest.Rejection(key(e), e.reject()));
        }
        expectedRejects.sort(Comparator.comparing(Manifest.Rejection::key));
        assertEquals(expectedRejects, m.rejected());
        assertEquals(3, m.totals().rejected());
        // the EXIF-rotated image is 56 high as displayed, the others 28: the height varies
        assertEquals(new Manifest.ImageShape(3, null, 28), m.shape());
        assertEquals(m.totals().written(), m.counts().total());
        String text = log.toString();
        assertTrue(text.contains("rejected by reason: {empty file=1, not an image=1, truncated image=1}"), text);
        assertTrue(text.matches("(?s).*prep: \\d+/\\d+ tasks, .*"), "progress lines: " + text);

        SplitRule rule = new SplitRule(0.2, 0.2, 3);
        Map<String, ImageCorpus.Entry> byKey = new HashMap<>();
        corpus.decoded().forEach(e -> byKey.put(key(e), e));
        PreparedDataset ds = PreparedDataset.open(out);
        ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));
        List<byte[]> trainPixels = new ArrayList<>();
        long[] counts = new long[3];
        for (Split split : Split.values()) {
            for (Row r : ds.records(spark, split.dirName()).collectAsList()) {
                String key = r.getString(0);
                ImageCorpus.Entry e = byKey.remove(key);
                assertTrue(e != null, "unexpected or repeated record " + key);
                assertEquals(e.label(), r.getInt(1), key);
                assertEquals(rule.split(key, false), split, key);
                assertEquals(rule.fold(key, false), r.getInt(2), key);
                assertEquals(e.height(), r.getInt(3), key);
                assertEquals(e.width(), r.getInt(4), key);
                assertEquals(3, r.getInt(5), key);
                byte[] px = (byte[]) r.get(6);
                if (e.lossless()) {
                    assertArrayEquals(e.expected(3), px, key);
                }
                // every record is exactly what the decoder makes of the file (its own tests bound JPEG error)
                assertArrayEquals(decoder.decode(Files.readAllBytes(e.path()), key).pixels(), px, key);
                counts[split.ordinal()]++;
                if (split == Split.TRAIN) {
                    trainPixels.add(px);
                }
            }
        }
        assertTrue(byKey.isEmpty(), "records missing: " + byKey.keySet());
        assertEquals(new Manifest.Counts(counts[0], counts[1], counts[2]), m.counts());

        // statistics over the stored train pixels, computed directly; the 56 x 28 image is its own block
        double[] sum = new double[3];
        double[][] products = new double[3][3];
        long n = 0;
        for (byte[] px : trainPixels) {
            int plane = px.length / 3;
            double[][] d = DirectStats.of(new byte[][] {px}, 3, plane);
            for (int c = 0; c < 3; c++) {
                sum[c] += d[3][c] * plane;
                for (int k = 0; k < 3; k++) {
                    products[c][k] += (d[c][k] + d[3][c] * d[3][k]) * plane;
                }
            }
            n += plane;
        }
        for (int c = 0; c < 3; c++) {
            double mean = sum[c] / n;
            assertEquals(mean, m.stats().mean().get(c), 1e-9, "mean " + c);
            for (int k = 0; k < 3; k++) {
                double cov = products[c][k] / n - mean * sum[k] / n;
                assertEquals(cov, m.stats().covariance().get(c).get(k), 1e-9, "covariance " + c + "," + k);
            }
            assertEquals(Math.sqrt(m.stats().covariance().get(c).get(c)), m.stats().std().get(c), 1e-12);
        }
        assertEquals(3, m.stats().eigenvalues().size());

        IllegalArgumentException varies = assertThrows(IllegalArgumentException.class, () -> ds.load(spark, "train"));
        assertTrue(varies.getMessage().contains(ds.path()) && varies.getMessage().contains("--size"), varies.getMessage());
    }

    @Test
    void sizedGreyRecordsLoadAsOneImageSet(SparkSession spark) throws IOException {
        String out = root.resolve("out-grey").toString();
        Manifest m = prep(spark, PrepOptions.of(corpus.root().toString(), out).withChannels(1).withSize(28)
                .withFractions(0.2, 0.2), new ByteArrayOutputStream());
        assertEquals(new Manifest.ImageShape(1, 28, 28), m.shape());
        assertNull(m.stats().covariance());
        ImageSet train = PreparedDataset.open(out).load(spark, "train").images();
        assertEquals(m.counts().train(), train.size());
        ImageCorpus.Entry png = corpus.decoded().stream().filter(e -> e.kind() == ImageCorpus.Kind.RGB_PNG)
                .filter(e -> new SplitRule(0.2, 0.2, 5).split(key(e), false) == Split.TRAIN).findFirst().orElseThrow();
        int i = List.of(train.keys()).indexOf(key(png));
        assertArrayEquals(png.expected(1), java.util.Arrays.copyOfRange(train.pixels(), i * 784, (i + 1) * 784));
    }

    /** key -> split/fold of a prepared dataset's records. */
    static Map<String, String> assignment(SparkSession spark, String out) throws IOException {
        Map<String, String> m = new HashMap<>();
        PreparedDataset ds = PreparedDataset.open(out);
        for (Split s : Split.values()) {
            for (Row r : ds.records(spark, s.dirName()).select("key", "split", "fold").collectAsList()) {
                m.put(r.getString(0), r.getString(1) + "/" + r.getInt(2));
            }
        }
        return m;
    }

    @Test
    void splitsAreStableAcrossPartitioningsAndWhenImagesAreAdded(SparkSession spark, @TempDir Path tmp)
            throws IOException {
        ImageCorpus.Written small = ImageCorpus.write(tmp.resolve("corpus"), 6);
        PrepOptions o = PrepOptions.of(small.root().toString(), tmp.resolve("a").toString()).withFractions(0.25, 0.25);
        prep(spark, o.withPartitions(2), new ByteArrayOutputStream());
        prep(spark, o.withOut(tmp.resolve("b").toString(), false).withPartitions(7), new ByteArrayOutputStream());
        Map<String, String> a = assignment(spark, tmp.resolve("a").toString());
        assertEquals(small.decoded().size(), a.size());
        assertEquals(a, assignment(spark, tmp.resolve("b").toString()));

        // more images in every class folder: nothing already there changes split or fold
        int added = 0;
        for (ImageCorpus.Entry e : small.decoded()) {
            if (e.kind() == ImageCorpus.Kind.GRAY_PNG) {
                Files.copy(e.path(), e.path().resolveSibling("extra-" + e.path().getFileName()));
                added++;
            }
        }
        prep(spark, o.withOut(tmp.resolve("c").toString(), false), new ByteArrayOutputStream());
        Map<String, String> c = assignment(spark, tmp.resolve("c").toString());
        assertEquals(a.size() + added, c.size());
        a.forEach((key, where) -> assertEquals(where, c.get(key), key));
    }

    @Test
    void anEmptyClassFolderFailsBeforeAnyWork(SparkSession spark, @TempDir Path tmp) throws IOException {
        ImageCorpus.Written small = ImageCorpus.write(tmp.resolve("corpus"), 6);
        Files.createDirectories(small.root().resolve("zebra"));
        Path out = tmp.resolve("out");
        int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
        SourceException e = assertThrows(SourceException.class, () -> prep(spark,
                PrepOptions.of(small.root().toString(), out.toString()), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("zebra") && e.getMessage().contains("no images"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length, "no Spark job ran");
    }
}
