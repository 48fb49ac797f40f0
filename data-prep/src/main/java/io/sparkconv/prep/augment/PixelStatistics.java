package io.sparkconv.prep.augment;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.io.Serializable;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * What the augmenter subtracts and divides by, measured once on the training split (never on
 * validation or test images), in x / 255 units. The driver fits it and ships it to the workers.
 *
 * @param shape        the images' shape (C x H x W)
 * @param channelMean  per channel, always (the run summary reports it)
 * @param channelStd   per channel, always
 * @param pixelMean    per pixel (C x H x W), only when the spec asks for {@code mean: per_pixel}, else null
 * @param pixelStd     per pixel, likewise
 * @param eigenvalues  of the C x C channel covariance, largest first; only with {@code pca_jitter}, else null
 * @param eigenvectors the matching unit eigenvectors as columns, row-major C x C; only with {@code pca_jitter}
 */
public record PixelStatistics(Shape shape, float[] channelMean, float[] channelStd, float[] pixelMean,
                              float[] pixelStd, float[] eigenvalues, float[] eigenvectors) implements Serializable {

    /**
     * Measures what {@code spec} needs on the training images. Sums are exact (long integers over
     * uint8 values); only the final divisions round.
     */
    public static PixelStatistics fit(ImageSet train, AugmentSpec spec) {
        Shape s = train.shape();
        int channels = s.channels();
        int plane = s.height() * s.width();
        boolean perPixel = spec.meanMode() == AugmentSpec.Mean.PER_PIXEL;
        boolean pca = spec.pcaJitter() > 0;
        long[] sum = new long[channels];
        long[] sumSq = new long[channels];
        long[] pixSum = perPixel ? new long[s.size()] : null;
        long[] pixSumSq = perPixel ? new long[s.size()] : null;
        long[] cross = pca ? new long[channels * channels] : null;
        byte[] px = train.pixels();
        for (int i = 0; i < train.size(); i++) {
            int base = i * s.size();
            for (int c = 0; c < channels; c++) {
                long total = 0;
                long totalSq = 0;
                for (int j = c * plane, end = j + plane; j < end; j++) {
                    long v = px[base + j] & 0xff;
                    total += v;
                    totalSq += v * v;
                    if (perPixel) {
                        pixSum[j] += v;
                        pixSumSq[j] += v * v;
                    }
                }
                sum[c] += total;
                sumSq[c] += totalSq;
            }
            if (pca) {
                for (int a = 0; a < channels; a++) {
                    for (int b = a + 1; b < channels; b++) {
                        long ab = 0;
                        for (int j = 0; j < plane; j++) {
                            ab += (long) (px[base + a * plane + j] & 0xff) * (px[base + b * plane + j] & 0xff);
                        }
                        cross[a * channels + b] += ab;
                    }
                }
            }
        }
        double n = Math.max(1, train.size());
        float[] channelMean = new float[channels];
        float[] channelStd = new float[channels];
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / (255.0 * plane * n);
            channelMean[c] = (float) mean[c];
            channelStd[c] = std(sumSq[c] / (255.0 * 255.0 * plane * n), mean[c]);
        }
        float[] pixelMean = null;
        float[] pixelStd = null;
        if (perPixel) {
            pixelMean = new float[s.size()];
            pixelStd = new float[s.size()];
            for (int j = 0; j < s.size(); j++) {
                double m = pixSum[j] / (255.0 * n);
                pixelMean[j] = (float) m;
                pixelStd[j] = std(pixSumSq[j] / (255.0 * 255.0 * n), m);
            }
        }
        float[] eigenvalues = null;
        float[] eigenvectors = null;
        if (pca) {
            double[][] cov = new double[channels][channels];
            for (int a = 0; a < channels; a++) {
                for (int b = a; b < channels; b++) {
                    double eab = (a == b ? sumSq[a] : cross[a * channels + b]) / (255.0 * 255.0 * plane * n);
                    cov[a][b] = cov[b][a] = eab - mean[a] * mean[b];
                }
            }
            eigenvalues = new float[channels];
            eigenvectors = new float[channels * channels];
            eigen(cov, eigenvalues, eigenvectors);
        }
        return new PixelStatistics(s, channelMean, channelStd, pixelMean, pixelStd, eigenvalues, eigenvectors);
    }

    /** sqrt(E[x^2] - E[x]^2), clamped at 0 against rounding. */
    private static float std(double meanOfSquares, double mean) {
        return (float) Math.sqrt(Math.max(0, meanOfSquares - mean * mean));
    }

    /**
     * Eigen-decomposition of the symmetric channel covariance by Commons Math (on every Spark
     * classpath already), sorted largest eigenvalue first.
     */
    static void eigen(double[][] cov, float[] values, float[] vectors) {
        int n = cov.length;
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(e.getRealEigenvalue(y), e.getRealEigenvalue(x)));
        for (int k = 0; k < n; k++) {
            // Covariance is positive semi-definite; a tiny negative eigenvalue is rounding.
            values[k] = (float) Math.max(0, e.getRealEigenvalue(order[k]));
            for (int r = 0; r < n; r++) {
                vectors[r * n + k] = (float) e.getEigenvector(order[k]).getEntry(r);
            }
        }
    }
}
