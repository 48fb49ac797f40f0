package io.sparkconv.testing;

/** Pixel statistics computed the slow, obvious way, to check the job's exact ones against. */
public final class DirectStats {
    private DirectStats() {}

    /**
     * Mean, population variance and covariance of pixel / 255, straight from the definition, two
     * passes in doubles: rows 0..C-1 are the covariance, row C the mean.
     */
    public static double[][] of(byte[][] images, int channels, int plane) {
        double[] mean = new double[channels];
        long n = (long) images.length * plane;
        for (byte[] img : images) {
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < plane; j++) {
                    mean[c] += (img[c * plane + j] & 0xff) / 255.0;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            mean[c] /= n;
        }
        double[][] cov = new double[channels + 1][channels];
        cov[channels] = mean;
        for (byte[] img : images) {
            for (int j = 0; j < plane; j++) {
                for (int c = 0; c < channels; c++) {
                    for (int d = 0; d < channels; d++) {
                        cov[c][d] += ((img[c * plane + j] & 0xff) / 255.0 - mean[c])
                                * ((img[d * plane + j] & 0xff) / 255.0 - mean[d]);
                    }
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int d = 0; d < channels; d++) {
                cov[c][d] /= n;
            }
        }
        return cov;
    }
}
