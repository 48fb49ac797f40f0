package io.sparkconv.prep.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.testing.DirectStats;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class PixelStatsTest {
    /** Correlated RGB: G follows R, B is noise; several blocks of the int accumulator for the larger images. */
    private static byte[][] rgbImages(int count, int plane, long seed) {
        Random rnd = new Random(seed);
        byte[][] images = new byte[count][3 * plane];
        for (byte[] img : images) {
            for (int j = 0; j < plane; j++) {
                int r = rnd.nextInt(256);
                img[j] = (byte) r;
                img[plane + j] = (byte) Math.min(255, r / 2 + rnd.nextInt(100));
                img[2 * plane + j] = (byte) rnd.nextInt(256);
            }
        }
        return images;
    }

    /**
     * The sums are taken a vector of lanes at a time and the rest one by one: sizes that are not a
     * multiple of any lane count (1, 63 pixels) and one that is (64) give the exact integer sums.
     */
    @Test
    void sumsAreExactForEverySizeAndChannelCount() {
        for (int channels : new int[] {1, 3}) {
            for (int plane : new int[] {1, 63, 64, 1000}) {
                byte[][] images = rgbImages(3, plane, plane);
                ChannelMoments m = new ChannelMoments(channels);
                long[] sum = new long[channels];
                long[][] products = new long[channels][channels];
                for (byte[] rgb : images) {
                    byte[] img = java.util.Arrays.copyOf(rgb, channels * plane);
                    m.add(img, plane);
                    for (int j = 0; j < plane; j++) {
                        for (int c = 0; c < channels; c++) {
                            sum[c] += img[c * plane + j] & 0xff;
                            for (int d = 0; d < channels; d++) {
                                products[c][d] += (long) (img[c * plane + j] & 0xff) * (img[d * plane + j] & 0xff);
                            }
                        }
                    }
                }
                assertEquals(3L * plane, m.pixels());
                for (int c = 0; c < channels; c++) {
                    assertEquals(sum[c], m.sum(c), channels + " channels, " + plane + " px, sum " + c);
                    for (int d = 0; d < channels; d++) {
                        assertEquals(products[c][d], m.sumOfProducts(c, d), channels + " channels, " + plane + " px, " + c + d);
                    }
                }
            }
        }
    }

    @Test
    void rgbMomentsMatchTheDefinitionAndMergeInAnyOrder() {
        int plane = 200 * 180; // more than one int block per channel
        byte[][] images = rgbImages(6, plane, 3);
        ChannelMoments whole = new ChannelMoments(3);
        ChannelMoments a = new ChannelMoments(3);
        ChannelMoments b = new ChannelMoments(3);
        for (int i = 0; i < images.length; i++) {
            whole.add(images[i], plane);
            (i % 2 == 0 ? a : b).add(images[i], plane);
        }
        ChannelMoments merged = b.copy();
        merged.merge(a);
        PixelStats s = PixelStats.of(whole);
        PixelStats m = PixelStats.of(merged);
        double[][] expected = DirectStats.of(images, 3, plane);
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[3][c], s.mean()[c], 1e-12, "mean " + c);
            assertEquals(Math.sqrt(expected[c][c]), s.std()[c], 1e-12, "std " + c);
            assertEquals(s.mean()[c], m.mean()[c], 0.0, "merged sums are exact");
            for (int d = 0; d < 3; d++) {
                assertEquals(expected[c][d], s.covariance()[c][d], 1e-12, "cov " + c + "," + d);
                assertEquals(s.covariance()[c][d], m.covariance()[c][d], 0.0);
            }
        }
        // Cv = lambda v for each column, eigenvalues descending, unit vectors
        for (int k = 0; k < 3; k++) {
            double norm = 0;
            for (int i = 0; i < 3; i++) {
                double cv = 0;
                for (int j = 0; j < 3; j++) {
                    cv += s.covariance()[i][j] * s.eigenvectors()[j][k];
                }
                assertEquals(s.eigenvalues()[k] * s.eigenvectors()[i][k], cv, 1e-12, "eigenpair " + k);
                norm += s.eigenvectors()[i][k] * s.eigenvectors()[i][k];
            }
            assertEquals(1, norm, 1e-12);
            if (k > 0) {
                assertTrue(s.eigenvalues()[k] <= s.eigenvalues()[k - 1]);
            }
        }
        // R and G move together, so the top component weighs both with one sign
        assertTrue(s.eigenvectors()[0][0] > 0.3 && s.eigenvectors()[1][0] > 0.1, "top eigenvector");
    }

    @Test
    void greyStatsOnFashionMnistMatchTheDefinition() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST));
        ImageSet test = IdxImageSets.test(IdxImageSets.DEBIAN_FASHION_MNIST);
        int plane = 28 * 28;
        byte[][] images = new byte[test.size()][];
        ChannelMoments m = new ChannelMoments(1);
        for (int i = 0; i < images.length; i++) {
            images[i] = java.util.Arrays.copyOfRange(test.pixels(), i * plane, (i + 1) * plane);
            m.add(images[i], plane);
        }
        PixelStats s = PixelStats.of(m);
        double[][] expected = DirectStats.of(images, 1, plane);
        // the naive double sum over 7.8 million pixels is the inexact side here
        assertEquals(expected[1][0], s.mean()[0], 1e-9);
        assertEquals(Math.sqrt(expected[0][0]), s.std()[0], 1e-9);
        // Fashion-MNIST's published figures: mean 0.286, std 0.353 (train); the test set is close
        assertEquals(0.286, s.mean()[0], 0.01);
        assertEquals(0.353, s.std()[0], 0.01);
        assertNull(s.covariance());
        assertNull(s.eigenvalues());
    }
}
