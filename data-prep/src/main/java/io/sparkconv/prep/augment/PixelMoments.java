package io.sparkconv.prep.augment;

import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.io.Serializable;

/**
 * The exact sums {@link PixelStatistics} divides: per channel, per pixel (for {@code mean: per_pixel})
 * and across channels (for PCA jitter), as long integers over uint8 values. Sums of parts add up to
 * the sums of the whole in any order, so the statistics of a split read unit by unit, or by Spark
 * tasks, are bit for bit those of the split in one piece.
 */
public final class PixelMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    final Shape shape;
    final long[] sum;
    final long[] sumSq;
    final long[] pixSum;
    final long[] pixSumSq;
    final long[] cross;
    long images;

    /** Empty sums for images of {@code shape}, keeping what {@code spec} needs. */
    public PixelMoments(Shape shape, AugmentSpec spec) {
        this.shape = shape;
        int channels = shape.channels();
        boolean perPixel = spec.meanMode() == AugmentSpec.Mean.PER_PIXEL;
        this.sum = new long[channels];
        this.sumSq = new long[channels];
        this.pixSum = perPixel ? new long[shape.size()] : null;
        this.pixSumSq = perPixel ? new long[shape.size()] : null;
        this.cross = spec.pcaJitter() > 0 ? new long[channels * channels] : null;
    }

    public long images() {
        return images;
    }

    /** Adds every image of the set. */
    public PixelMoments add(ImageSet set) {
        if (!set.shape().equals(shape)) {
            throw new IllegalArgumentException(set.name() + " holds " + set.shape() + " images, not " + shape);
        }
        int channels = shape.channels();
        int plane = shape.height() * shape.width();
        byte[] px = set.pixels();
        for (int i = 0; i < set.size(); i++) {
            int base = i * shape.size();
            for (int c = 0; c < channels; c++) {
                long total = 0;
                long totalSq = 0;
                for (int j = c * plane, end = j + plane; j < end; j++) {
                    long v = px[base + j] & 0xff;
                    total += v;
                    totalSq += v * v;
                    if (pixSum != null) {
                        pixSum[j] += v;
                        pixSumSq[j] += v * v;
                    }
                }
                sum[c] += total;
                sumSq[c] += totalSq;
            }
            if (cross != null) {
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
        images += set.size();
        return this;
    }

    /** Adds another part's sums (of the same shape and spec) to these. */
    public PixelMoments merge(PixelMoments o) {
        add(sum, o.sum);
        add(sumSq, o.sumSq);
        add(pixSum, o.pixSum);
        add(pixSumSq, o.pixSumSq);
        add(cross, o.cross);
        images += o.images;
        return this;
    }

    private static void add(long[] into, long[] from) {
        if (into != null) {
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }
    }
}
