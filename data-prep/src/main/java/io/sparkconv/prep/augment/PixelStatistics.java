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
        return of(new PixelMoments(train.shape(), spec).add(train));
    }

    /** The statistics of the summed training images (they kept what their spec needs). */
    public static PixelStatistics of(PixelMoments m) {
        Shape s = m.shape;
        int channels = s.channels();
        int plane = s.height() * s.width();
        double n = Math.max(1, m.images);
        float[] channelMean = new float[channels];
        float[] channelStd = new float[channels];
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = m.sum[c] / (255.0 * plane * n);
            channelMean[c] = (float) mean[c];
            channelStd[c] = std(m.sumSq[c] / (255.0 * 255.0 * plane * n), mean[c]);
        }
        float[] pixelMean = null;
        float[] pixelStd = null;
        if (m.pixSum != null) {
            pixelMean = new float[s.size()];
            pixelStd = new float[s.size()];
            for (int j = 0; j < s.size(); j++) {
                double mj = m.pixSum[j] / (255.0 * n);
                pixelMean[j] = (float) mj;
                pixelStd[j] = std(m.pixSumSq[j] / (255.0 * 255.0 * n), mj);
            }
        }
        float[] eigenvalues = null;
        float[] eigenvectors = null;
        if (m.cross != null) {
            double[][] cov = new double[channels][channels];
            for (int a = 0; a < channels; a++) {
                for (int b = a; b < channels; b++) {
                    double eab = (a == b ? m.sumSq[a] : m.cross[a * channels + b]) / (255.0 * 255.0 * plane * n);
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
