package io.sparkconv.prep.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.random.KeyedRandom;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The augmenter on real Fashion-MNIST images (Debian's dataset-fashion-mnist), checked against a
 * reference written out longhand here: the padded frame built explicitly, windows copied from it.
 */
class AugmenterTest {
    static ImageSet fashion;

    @BeforeAll
    static void load() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST),
                "Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)");
        fashion = IdxImageSets.test(IdxImageSets.DEBIAN_FASHION_MNIST);
    }

    /** count images of channels x h x w; channel c of image i is the top-left of Fashion-MNIST image 3i + c. */
    static ImageSet images(int count, int channels, int h, int w) {
        Shape shape = new Shape(channels, h, w);
        byte[] px = new byte[count * shape.size()];
        int[] labels = new int[count];
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                int from = (i * channels + c) * 784;
                for (int y = 0; y < h; y++) {
                    System.arraycopy(fashion.pixels(), from + y * 28, px, i * shape.size() + (c * h + y) * w, w);
                }
            }
            labels[i] = fashion.labels()[i * channels];
            keys[i] = "img" + i;
        }
        return new ImageSet("slice", shape, 10, px, labels, keys);
    }

    static AugmentSpec spec(int crop, int pad, boolean flip, String mean, boolean std, double pca, String eval) {
        return new AugmentSpec(crop, pad, flip, mean, std, pca, eval);
    }

    /** The reference: image i of the set in a frame padded by pad zeros, as v * (1/255) in float; [c][y][x]. */
    static float[][][] frame(ImageSet set, int i, int pad) {
        Shape s = set.shape();
        float[][][] f = new float[s.channels()][s.height() + 2 * pad][s.width() + 2 * pad];
        for (int c = 0; c < s.channels(); c++) {
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    f[c][y + pad][x + pad] = (set.pixels()[i * s.size() + (c * s.height() + y) * s.width() + x] & 0xff) * (1f / 255f);
                }
            }
        }
        return f;
    }

    /** The C x C window at (oy, ox) of the frame, mirrored left-right if asked, CHW. */
    static float[] window(float[][][] frame, int oy, int ox, int crop, boolean mirror) {
        float[] out = new float[frame.length * crop * crop];
        for (int c = 0; c < frame.length; c++) {
            for (int y = 0; y < crop; y++) {
                for (int x = 0; x < crop; x++) {
                    out[(c * crop + y) * crop + x] = frame[c][oy + y][ox + (mirror ? crop - 1 - x : x)];
                }
            }
        }
        return out;
    }

    static float[] augmented(Augmenter a, ImageSet set, int i, long id, int epoch, long seed) {
        float[] out = new float[a.output().size()];
        a.augment(set, i, id, epoch, seed, out, 0);
        return out;
    }

    @Test
    void cropsAreWindowsOfThePaddedImageAndCoverTheWholeJitterRange() {
        ImageSet set = images(40, 1, 28, 28);
        int pad = 4;
        int crop = 28;
        Augmenter a = Augmenter.fit(spec(crop, pad, true, "none", false, 0, "center"), set);
        assertEquals(new Shape(1, 28, 28), a.output());
        int range = 28 + 2 * pad - crop; // offsets 0..8 on each axis
        boolean[] seenY = new boolean[range + 1];
        boolean[] seenX = new boolean[range + 1];
        int mirrored = 0;
        int draws = 0;
        for (int epoch = 0; epoch < 25; epoch++) {
            for (int i = 0; i < set.size(); i++) {
                float[] out = augmented(a, set, i, i, epoch, 11);
                float[][][] frame = frame(set, i, pad);
                List<int[]> explanations = new ArrayList<>();
                for (int oy = 0; oy <= range; oy++) {
                    for (int ox = 0; ox <= range; ox++) {
                        for (int m = 0; m < 2; m++) {
                            if (java.util.Arrays.equals(out, window(frame, oy, ox, crop, m == 1))) {
                                explanations.add(new int[] {oy, ox, m});
                            }
                        }
                    }
                }
                // Every output pixel is the source pixel or padding zero of one window inside the frame.
                assertTrue(!explanations.isEmpty(), "image " + i + " epoch " + epoch + " is no window of the padded image");
                if (explanations.size() == 1) {
                    int[] e = explanations.get(0);
                    seenY[e[0]] = true;
                    seenX[e[1]] = true;
                    mirrored += e[2];
                    draws++;
                }
            }
        }
        for (int o = 0; o <= range; o++) {
            assertTrue(seenY[o], "vertical offset " + o + " never drawn");
            assertTrue(seenX[o], "horizontal offset " + o + " never drawn");
        }
        // P(mirror) = 0.5: over ~1,000 draws the share lies within 0.5 +- 0.05 (3 standard errors is 0.047).
        assertTrue(draws > 900, "only " + draws + " draws had one explanation");
        assertEquals(0.5, (double) mirrored / draws, 0.05);
    }

    @Test
    void smallerCropsOfRectangularColorImagesStayInsideTheFrame() {
        ImageSet set = images(10, 3, 20, 26);
        int pad = 2;
        int crop = 16;
        Augmenter a = Augmenter.fit(spec(crop, pad, true, "none", false, 0, "center"), set);
        assertEquals(new Shape(3, 16, 16), a.output());
        for (int epoch = 0; epoch < 30; epoch++) {
            for (int i = 0; i < set.size(); i++) {
                float[] out = augmented(a, set, i, 100 + i, epoch, 3);
                float[][][] frame = frame(set, i, pad);
                boolean found = false;
                for (int oy = 0; oy <= 20 + 2 * pad - crop && !found; oy++) {
                    for (int ox = 0; ox <= 26 + 2 * pad - crop && !found; ox++) {
                        found = java.util.Arrays.equals(out, window(frame, oy, ox, crop, false))
                                || java.util.Arrays.equals(out, window(frame, oy, ox, crop, true));
                    }
                }
                assertTrue(found, "image " + i + " epoch " + epoch);
            }
        }
    }

    @Test
    void sameSeedEpochAndIdSamePixelsWhateverTheShardAndAnotherEpochOthers() {
        ImageSet set = images(60, 1, 28, 28);
        AugmentSpec s = spec(28, 4, true, "per_channel", true, 0, "center");
        Augmenter a = Augmenter.fit(s, set);
        // A worker holding every third image (positions 1, 4, 7, ...) with its own augmenter.
        int[] shardPositions = java.util.stream.IntStream.iterate(1, p -> p < set.size(), p -> p + 3).toArray();
        ImageSet shard = set.subset("shard", shardPositions);
        Augmenter worker = new Augmenter(s, a.statistics());
        int differ = 0;
        for (int p : shardPositions) {
            float[] first = augmented(a, set, p, p, 2, 42);
            assertArrayEquals(first, augmented(a, set, p, p, 2, 42), "position " + p);
            assertArrayEquals(first, augmented(worker, shard, p / 3, p, 2, 42), "position " + p + " on the shard");
            if (!java.util.Arrays.equals(first, augmented(a, set, p, p, 3, 42))) {
                differ++;
            }
        }
        // 81 offsets x 2 mirrors: two epochs agree by chance for about one image in 160.
        assertTrue(differ >= shardPositions.length - 2, differ + " of " + shardPositions.length + " differ");
    }

    @Test
    void evaluationViewsAreTheCenterTheFourCornersAndTheirExactMirrors() {
        ImageSet set = images(3, 1, 28, 28);
        Augmenter a = Augmenter.fit(spec(24, 0, true, "none", false, 0, "ten_crop"), set);
        assertEquals(10, a.views());
        int[][] offsets = {{2, 2}, {0, 0}, {0, 4}, {4, 0}, {4, 4}};
        for (int i = 0; i < set.size(); i++) {
            float[][][] frame = frame(set, i, 0);
            for (int v = 0; v < 10; v++) {
                float[] out = new float[a.output().size()];
                a.evaluate(set, i, v, out, 0);
                assertArrayEquals(window(frame, offsets[v % 5][0], offsets[v % 5][1], 24, v >= 5), out, "view " + v);
            }
        }
        // Crop = image size, padded: every corner is the image itself, so the ten views are it and its mirror.
        Augmenter padded = Augmenter.fit(spec(28, 4, true, "none", false, 0, "ten_crop"), set);
        float[][][] frame = frame(set, 0, 4);
        for (int v = 0; v < 10; v++) {
            float[] out = new float[784];
            padded.evaluate(set, 0, v, out, 0);
            assertArrayEquals(window(frame, 4, 4, 28, v >= 5), out, "padded view " + v);
        }
        // A crop larger than the image: corners are the two placements that still show all of it.
        Augmenter larger = Augmenter.fit(spec(30, 3, false, "none", false, 0, "ten_crop"), set);
        frame = frame(set, 0, 3);
        int[][] big = {{2, 2}, {1, 1}, {1, 3}, {3, 1}, {3, 3}};
        for (int v = 0; v < 5; v++) {
            float[] out = new float[900];
            larger.evaluate(set, 0, v, out, 0);
            assertArrayEquals(window(frame, big[v][0], big[v][1], 30, false), out, "larger view " + v);
        }
        assertEquals(1, Augmenter.fit(spec(24, 0, true, "none", false, 0, "center"), set).views());
    }

    @Test
    void meanAndStdAgainstADirectComputation() {
        ImageSet set = images(500, 3, 28, 28);
        Shape s = set.shape();
        int plane = 784;
        // per channel, in doubles
        double[] mean = new double[3];
        double[] sq = new double[3];
        double[] pixMean = new double[s.size()];
        double[] pixSq = new double[s.size()];
        for (int i = 0; i < set.size(); i++) {
            for (int j = 0; j < s.size(); j++) {
                double v = (set.pixels()[i * s.size() + j] & 0xff) / 255.0;
                mean[j / plane] += v;
                sq[j / plane] += v * v;
                pixMean[j] += v;
                pixSq[j] += v * v;
            }
        }
        for (int c = 0; c < 3; c++) {
            mean[c] /= (double) plane * set.size();
            sq[c] = Math.sqrt(sq[c] / ((double) plane * set.size()) - mean[c] * mean[c]);
        }
        for (int j = 0; j < s.size(); j++) {
            pixMean[j] /= set.size();
            pixSq[j] = Math.max(1 / 255.0, Math.sqrt(Math.max(0, pixSq[j] / set.size() - pixMean[j] * pixMean[j])));
        }
        Augmenter perChannel = Augmenter.fit(spec(0, 0, false, "per_channel", true, 0, "center"), set);
        Augmenter perPixel = Augmenter.fit(spec(0, 0, false, "per_pixel", true, 0, "center"), set);
        float[] a = new float[s.size()];
        float[] b = new float[s.size()];
        for (int i = 0; i < set.size(); i += 37) {
            perChannel.evaluate(set, i, 0, a, 0);
            perPixel.evaluate(set, i, 0, b, 0);
            for (int j = 0; j < s.size(); j++) {
                double v = (set.pixels()[i * s.size() + j] & 0xff) / 255.0;
                assertEquals((v - mean[j / plane]) / sq[j / plane], a[j], 1e-5, "per channel, pixel " + j);
                assertEquals((v - pixMean[j]) / pixSq[j], b[j], 2e-4 * Math.max(1, Math.abs(b[j])), "per pixel, pixel " + j);
            }
        }
        // Padding is black: (0 - mean_c) / std_c per channel, 0 with per-pixel statistics.
        Augmenter paddedChannel = Augmenter.fit(spec(32, 2, false, "per_channel", true, 0, "center"), set);
        Augmenter paddedPixel = Augmenter.fit(spec(32, 2, false, "per_pixel", true, 0, "center"), set);
        float[] out = new float[3 * 32 * 32];
        paddedChannel.evaluate(set, 0, 0, out, 0);
        assertEquals(-mean[1] / sq[1], out[32 * 32], 1e-5);
        paddedPixel.evaluate(set, 0, 0, out, 0);
        assertEquals(0f, out[32 * 32 + 31]);
    }

    @Test
    void pcaJitterAddsExactlyTheEigenvectorsTimesAlphaTimesEigenvalues() {
        ImageSet set = images(300, 3, 28, 28);
        double sigma = 0.1;
        Augmenter a = Augmenter.fit(spec(0, 0, false, "none", false, sigma, "center"), set);
        PixelStatistics st = a.statistics();
        // The eigenpairs are those of the channel covariance, computed here directly in doubles.
        double[][] cov = covariance(set);
        for (int k = 0; k < 3; k++) {
            for (int r = 0; r < 3; r++) {
                double av = 0;
                for (int c = 0; c < 3; c++) {
                    av += cov[r][c] * st.eigenvectors()[c * 3 + k];
                }
                assertEquals(st.eigenvalues()[k] * st.eigenvectors()[r * 3 + k], av, 1e-6, "A v = lambda v");
            }
        }
        assertTrue(st.eigenvalues()[0] >= st.eigenvalues()[1] && st.eigenvalues()[1] >= st.eigenvalues()[2]);
        double[] alphaSum = new double[3];
        double[] alphaSq = new double[3];
        int n = set.size();
        float[] plain = new float[a.output().size()];
        for (int i = 0; i < n; i++) {
            float[] out = augmented(a, set, i, i, 4, 9);
            a.evaluate(set, i, 0, plain, 0);
            long key = KeyedRandom.key(9, 4, i, Augmenter.STREAM);
            for (int c = 0; c < 3; c++) {
                double expected = 0;
                for (int k = 0; k < 3; k++) {
                    double alpha = sigma * KeyedRandom.normal(key, 3 + k);
                    expected += st.eigenvectors()[c * 3 + k] * (alpha * st.eigenvalues()[k]);
                }
                for (int j = c * 784; j < (c + 1) * 784; j++) {
                    assertEquals(expected, out[j] - plain[j], 1e-6, "image " + i + " channel " + c);
                }
            }
            // alpha recovered from the shift: p_k . shift / lambda_k
            for (int k = 0; k < 3; k++) {
                double dot = 0;
                for (int c = 0; c < 3; c++) {
                    dot += st.eigenvectors()[c * 3 + k] * (out[c * 784] - plain[c * 784]);
                }
                double alpha = dot / st.eigenvalues()[k];
                alphaSum[k] += alpha;
                alphaSq[k] += alpha * alpha;
            }
        }
        for (int k = 0; k < 2; k++) { // the smallest eigenvalue is too small to divide by reliably
            double m = alphaSum[k] / n;
            double sd = Math.sqrt(alphaSq[k] / n - m * m);
            assertEquals(0, m, 4 * sigma / Math.sqrt(n), "alpha_" + k + " mean");
            assertEquals(sigma, sd, 0.2 * sigma, "alpha_" + k + " sigma");
        }
    }

    static double[][] covariance(ImageSet set) {
        double[] m = new double[3];
        double[][] e = new double[3][3];
        long count = 0;
        for (int i = 0; i < set.size(); i++) {
            for (int j = 0; j < 784; j++) {
                double[] v = new double[3];
                for (int c = 0; c < 3; c++) {
                    v[c] = (set.pixels()[i * 3 * 784 + c * 784 + j] & 0xff) / 255.0;
                    m[c] += v[c];
                }
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < 3; c++) {
                        e[r][c] += v[r] * v[c];
                    }
                }
                count++;
            }
        }
        double[][] cov = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                cov[r][c] = e[r][c] / count - (m[r] / count) * (m[c] / count);
            }
        }
        return cov;
    }

    @Test
    void noAugmentationIsTheFormerNormalizationBitForBit() {
        ImageSet set = images(2000, 1, 28, 28);
        // The normalizer training used before the augmenter: x / 255 minus the channel mean, the mean
        // from exact long sums.
        long sum = 0;
        for (byte b : set.pixels()) {
            sum += b & 0xff;
        }
        float mean = (float) (sum / (255.0 * 784 * set.size()));
        Augmenter a = Augmenter.fit(AugmentSpec.none(), set);
        assertEquals(mean, a.statistics().channelMean()[0]);
        Batch batch = new Batch(50, 784);
        int[] positions = java.util.stream.IntStream.range(0, 2000).map(p -> (p * 7) % 2000).toArray();
        a.fill(set, positions, 100, 50, batch, 3, 42);
        float[] eval = new float[784];
        for (int i = 0; i < 50; i++) {
            int p = positions[100 + i];
            assertEquals(p, batch.sampleIds[i]);
            assertEquals(set.labels()[p], batch.labels[i]);
            a.evaluate(set, p, 0, eval, 0);
            for (int j = 0; j < 784; j++) {
                float former = (set.pixels()[p * 784 + j] & 0xff) * (1f / 255f) - mean;
                assertEquals(former, batch.images[i * 784 + j], "train, image " + p + " pixel " + j);
                assertEquals(former, eval[j], "eval, image " + p + " pixel " + j);
            }
        }
        assertEquals(50, batch.size());
        assertEquals(3, batch.epoch());
    }

    @Test
    void theHotLoopAllocatesNothing() {
        ImageSet set = images(100, 3, 28, 28);
        Augmenter a = Augmenter.fit(spec(24, 4, true, "per_pixel", true, 0.1, "ten_crop"), set);
        Batch batch = new Batch(100, a.output().size());
        int[] positions = java.util.stream.IntStream.range(0, 100).toArray();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int epoch = 0; epoch < 300; epoch++) { // let the JIT settle
            a.fill(set, positions, 0, 100, batch, epoch, 1);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int epoch = 0; epoch < 100; epoch++) {
            a.fill(set, positions, 0, 100, batch, epoch, 1);
            for (int v = 0; v < 10; v++) {
                a.evaluate(set, epoch, v, batch.images, v);
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 10,000 augmented and 1,000 evaluated images; a single array per image would be > 100 kB.
        assertTrue(allocated < 4096, allocated + " bytes allocated");
    }

    @Test
    void badSpecsFailNamingTheNumbers() {
        Shape s = new Shape(1, 28, 28);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(40, 4, false, null, false, 0, null).outputShape(s));
        assertTrue(e.getMessage().contains("40x40") && e.getMessage().contains("28x28") && e.getMessage().contains("4"),
                e.getMessage());
        assertEquals(new Shape(1, 36, 36), spec(36, 4, false, null, false, 0, null).outputShape(s));
        assertEquals(s, spec(0, 4, false, null, false, 0, null).outputShape(s));
        assertThrows(IllegalArgumentException.class, () -> spec(0, 0, false, "per_image", false, 0, null));
        assertThrows(IllegalArgumentException.class, () -> spec(0, 0, false, null, false, 0, "twelve_crop"));
        assertThrows(IllegalArgumentException.class, () -> spec(0, -1, false, null, false, 0, null));
        assertThrows(IllegalArgumentException.class, () -> spec(0, 0, false, null, false, -0.1, null));
    }
}
