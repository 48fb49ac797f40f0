package io.sparkconv.kernels.train;

/**
 * Sums of a scoring pass over some images, so shards add up: correct predictions, summed
 * cross-entropy, images.
 */
public record ValidationScores(double correct, double lossSum, long images) {
    public static final ValidationScores NONE = new ValidationScores(0, 0, 0);

    /** NaN without images (a run with no validation split). */
    public double accuracy() {
        return images > 0 ? correct / images : Double.NaN;
    }

    /** The mean cross-entropy; NaN without images. */
    public double loss() {
        return images > 0 ? lossSum / images : Double.NaN;
    }
}
