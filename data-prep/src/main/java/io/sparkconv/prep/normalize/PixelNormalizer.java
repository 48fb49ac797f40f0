package io.sparkconv.prep.normalize;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;

/**
 * uint8 pixels to the floats a net sees: x / 255 minus the per-channel mean of the training split
 * (also in [0, 1] units). The mean is computed once on the images actually trained on, never on
 * validation or test images.
 */
public final class PixelNormalizer {
    private final float[] channelMean;

    public PixelNormalizer(float[] channelMean) {
        this.channelMean = channelMean.clone();
    }

    /** Per-channel mean of the set, in [0, 1] units, summed in long integers so it is exact. */
    public static PixelNormalizer fitOn(ImageSet train) {
        Shape s = train.shape();
        int plane = s.height() * s.width();
        long[] sums = new long[s.channels()];
        byte[] px = train.pixels();
        for (int i = 0; i < train.size(); i++) {
            int base = i * s.size();
            for (int c = 0; c < s.channels(); c++) {
                long sum = 0;
                for (int j = base + c * plane, end = j + plane; j < end; j++) {
                    sum += px[j] & 0xff;
                }
                sums[c] += sum;
            }
        }
        float[] mean = new float[s.channels()];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) (sums[c] / (255.0 * plane * Math.max(1, train.size())));
        }
        return new PixelNormalizer(mean);
    }

    public float[] channelMean() {
        return channelMean.clone();
    }

    /** Writes image {@code position} of the set into slot {@code slot} of the float buffer. */
    public void normalize(ImageSet set, int position, float[] out, int slot) {
        Shape s = set.shape();
        int plane = s.height() * s.width();
        int src = position * s.size();
        int dst = slot * s.size();
        byte[] px = set.pixels();
        for (int c = 0; c < s.channels(); c++) {
            float mean = channelMean[c];
            for (int j = 0; j < plane; j++) {
                out[dst + c * plane + j] = (px[src + c * plane + j] & 0xff) * (1f / 255f) - mean;
            }
        }
    }

    /** Fills the batch with the images at positions[from, from+count), with labels and sample ids. */
    public void fill(ImageSet set, int[] positions, int from, int count, Batch batch, int epoch, long seed) {
        for (int i = 0; i < count; i++) {
            int p = positions[from + i];
            normalize(set, p, batch.images, i);
            batch.labels[i] = set.labels()[p];
            batch.sampleIds[i] = p;
        }
        batch.fill(count, epoch, seed);
    }
}
