package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.prepared.PreparedDataset;
import io.sparkconv.prep.source.SourceException;
import io.sparkconv.testing.SharedSparkSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 and CIFAR-100 binary batches written in the test: 1 (or 2) label bytes + 3072 pixel bytes per record. */
@ExtendWith(SharedSparkSession.class)
class PrepJobCifarTest {
    static final int PIXELS = 3 * 32 * 32;
    static final List<String> NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck");

    @TempDir
    Path dir;

    /** A batch file; labels[i] are the label bytes of record i (1 for CIFAR-10, coarse and fine for CIFAR-100). */
    static Map<String, byte[]> writeBatch(Path file, int[][] labels, long seed) throws IOException {
        Random rnd = new Random(seed);
        Map<String, byte[]> pixels = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i++) {
            for (int l : labels[i]) {
                out.write(l);
            }
            byte[] px = new byte[PIXELS];
            rnd.nextBytes(px);
            out.write(px);
            pixels.put(file.getFileName() + "#" + i, px);
        }
        Files.write(file, out.toByteArray());
        return pixels;
    }

    static int[][] labels(int... l) {
        return Arrays.stream(l).mapToObj(x -> new int[] {x}).toArray(int[][]::new);
    }

    private Manifest prep(SparkSession spark, PrepOptions o) throws IOException {
        return new PrepJob(spark, new PrintStream(new ByteArrayOutputStream()), 100).run(o);
    }

    @Test
    void cifar10BatchesWithNamesAndABadLabel(SparkSession spark) throws IOException {
        Path data = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Map<String, byte[]> pixels = new HashMap<>();
        Map<String, Integer> expectedLabels = new HashMap<>();
        int[] l1 = {6, 9, 9, 4, 1, 1, 2};
        int[] l2 = {7, 8, 12, 3, 4};
        int[] lt = {3, 8, 8, 0};
        pixels.putAll(writeBatch(data.resolve("data_batch_1.bin"), labels(l1), 1));
        pixels.putAll(writeBatch(data.resolve("data_batch_2.bin"), labels(l2), 2));
        pixels.putAll(writeBatch(data.resolve("test_batch.bin"), labels(lt), 3));
        for (int i = 0; i < l1.length; i++) {
            expectedLabels.put("data_batch_1.bin#" + i, l1[i]);
        }
        for (int i = 0; i < l2.length; i++) {
            expectedLabels.put("data_batch_2.bin#" + i, l2[i]);
        }
        for (int i = 0; i < lt.length; i++) {
            expectedLabels.put("test_batch.bin#" + i, lt[i]);
        }
        Files.writeString(data.resolve("batches.meta.txt"), String.join("\n", NAMES) + "\n\n");

        String out = dir.resolve("out").toString();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withFractions(0.3, null).withPartitions(4));
        assertEquals("cifar", m.source().format());
        assertEquals(NAMES, m.classes());
        assertEquals(new Manifest.ImageShape(3, 32, 32), m.shape());
        assertEquals(List.of(new Manifest.Rejection("data_batch_2.bin#2", "label 12 outside the 10 classes")),
                m.rejected());
        assertEquals(new Manifest.Totals(16, 15, 1, m.totals().seconds()), m.totals());
        assertEquals(4, m.counts().test());
        assertEquals(11, m.counts().train() + m.counts().validation());

        PreparedDataset ds = PreparedDataset.open(out);
        int seen = 0;
        for (String split : List.of("train", "validation", "test")) {
            ImageSet set = ds.load(spark, split).images();
            for (int i = 0; i < set.size(); i++) {
                String key = set.keys()[i];
                assertArrayEquals(pixels.get(key), Arrays.copyOfRange(set.pixels(), i * PIXELS, (i + 1) * PIXELS), key);
                assertEquals(expectedLabels.get(key), set.labels()[i], key);
                assertEquals(split.equals("test"), key.startsWith("test_batch"), key);
                seen++;
            }
        }
        assertEquals(15, seen);
    }

    @Test
    void cifar100UsesTheFineLabelAndConvertsToGrey(SparkSession spark) throws IOException {
        Path data = Files.createDirectories(dir.resolve("cifar-100-binary"));
        int[][] train = {{3, 71}, {19, 5}, {0, 99}, {7, 40}, {7, 41}, {12, 0}};
        Map<String, byte[]> pixels = new HashMap<>(writeBatch(data.resolve("train.bin"), train, 4));
        pixels.putAll(writeBatch(data.resolve("test.bin"), new int[][] {{1, 2}, {2, 3}}, 5));
        String out = dir.resolve("out100").toString();
        Manifest m = prep(spark, PrepOptions.of(data.toString(), out).withChannels(1).withFractions(0, null));
        assertEquals(100, m.classes().size());
        assertEquals(new Manifest.Counts(6, 0, 2), m.counts());
        assertEquals(new Manifest.ImageShape(1, 32, 32), m.shape());
        ImageSet set = PreparedDataset.open(out).load(spark, "train").images();
        List<Integer> fine = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            fine.add(set.labels()[i]);
            // grey is BT.601 luma of the stored RGB planes
            byte[] rgb = pixels.get(set.keys()[i]);
            for (int p = 0; p < 1024; p += 97) {
                int r = rgb[p] & 0xff;
                int g = rgb[1024 + p] & 0xff;
                int b = rgb[2048 + p] & 0xff;
                assertEquals(0.299 * r + 0.587 * g + 0.114 * b, set.pixels()[i * 1024 + p] & 0xff, 0.51,
                        set.keys()[i] + " pixel " + p);
            }
        }
        assertEquals(List.of(71, 5, 99, 40, 41, 0), fine, "fine labels, in key order");
    }

    @Test
    void aBatchOfTheWrongLengthFailsBeforeWork(SparkSession spark) throws IOException {
        Path data = Files.createDirectories(dir.resolve("cut"));
        writeBatch(data.resolve("data_batch_1.bin"), labels(1, 2), 6);
        Files.write(data.resolve("test_batch.bin"), new byte[3073 + 100]);
        Path out = dir.resolve("out-cut");
        SourceException e = assertThrows(SourceException.class,
                () -> prep(spark, PrepOptions.of(data.toString(), out.toString())));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("3,173 bytes"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
