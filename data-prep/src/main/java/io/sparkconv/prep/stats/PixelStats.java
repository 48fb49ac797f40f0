package io.sparkconv.prep.stats;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Pixel statistics of a training split on pixel / 255: per-channel mean and (population) standard
 * deviation and, for RGB, the 3x3 covariance with its eigen decomposition, the basis of PCA
 * whitening and of AlexNet's color jitter (Krizhevsky et al. 2012, section 4.1).
 *
 * @param covariance null unless 3 channels
 * @param eigenvalues descending; null unless 3 channels
 * @param eigenvectors eigenvectors[i][k] is component i of the k-th eigenvector (columns, matching
 *     eigenvalues[k]), each with its largest-magnitude component positive so the sign is stable
 */
public record PixelStats(double[] mean, double[] std, double[][] covariance, double[] eigenvalues,
                         double[][] eigenvectors) {

    /** The statistics of the accumulated sums; the moments are formed exactly, then divided once. */
    public static PixelStats of(ChannelMoments m) {
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no training pixels to compute statistics on");
        }
        int channels = m.channels();
        double n = m.pixels();
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = m.sum(c) / n / 255.0;
            std[c] = Math.sqrt(centeredProduct(m, c, c) / 255.0 / 255.0);
        }
        if (channels != 3) {
            return new PixelStats(mean, std, null, null, null);
        }
        double[][] cov = new double[3][3];
        for (int c = 0; c < 3; c++) {
            for (int d = 0; d < 3; d++) {
                cov[c][d] = centeredProduct(m, c, d) / 255.0 / 255.0;
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(cov, true));
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = IntStream.range(0, 3).boxed().sorted(Comparator.comparingDouble(k -> -values[k]))
                .toArray(Integer[]::new);
        double[] eigenvalues = new double[3];
        double[][] vectors = new double[3][3];
        for (int k = 0; k < 3; k++) {
            eigenvalues[k] = values[order[k]];
            RealVector v = eigen.getEigenvector(order[k]);
            int largest = 0;
            for (int i = 1; i < 3; i++) {
                if (Math.abs(v.getEntry(i)) > Math.abs(v.getEntry(largest))) {
                    largest = i;
                }
            }
            double sign = v.getEntry(largest) < 0 ? -1 : 1;
            for (int i = 0; i < 3; i++) {
                vectors[i][k] = sign * v.getEntry(i);
            }
        }
        return new PixelStats(mean, std, cov, eigenvalues, vectors);
    }

    /** E[x_c x_d] - E[x_c] E[x_d] in uint8 units squared, as (n Sxy - Sx Sy) / n^2 in exact integers. */
    private static double centeredProduct(ChannelMoments m, int c, int d) {
        BigInteger n = BigInteger.valueOf(m.pixels());
        BigInteger num = n.multiply(BigInteger.valueOf(m.sumOfProducts(c, d)))
                .subtract(BigInteger.valueOf(m.sum(c)).multiply(BigInteger.valueOf(m.sum(d))));
        return num.doubleValue() / ((double) m.pixels() * m.pixels());
    }

    @Override
    public String toString() {
        return "PixelStats[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
