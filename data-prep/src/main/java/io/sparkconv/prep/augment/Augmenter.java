package io.sparkconv.prep.augment;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.random.KeyedRandom;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.data.ImageSet;
import java.util.Arrays;

/**
 * uint8 images to the floats a net sees, straight into its batch buffer: crop, mirror, color
 * jitter and normalization in one pass over the output pixels.
 *
 * <p>Geometry. The S_h x S_w image sits in a frame padded by P black pixels on every side; a crop
 * is the C x C window at offset (oy, ox) of that frame, 0 <= oy <= S_h + 2P - C (likewise ox).
 * Training draws the offset uniformly and mirrors the window with probability 0.5; evaluation
 * takes fixed windows ({@link #views()}): the center, or the ten standard crops.
 *
 * <p>Values. An image pixel v becomes (v / 255 + shift_c - mean) / std, where mean and std are
 * per channel or per pixel ({@link PixelStatistics}) and shift_c is the PCA color jitter, zero
 * outside training. Padding is a black pixel that carries no color: (0 - mean_c) / std_c per channel,
 * and 0 with per-pixel statistics (the padded border's mean is black there, as every image is).
 *
 * <p>Randomness. Offset, mirror and jitter of a training image are drawn from the stream keyed by
 * (seed, epoch, sample id), as dropout keys its masks, so a K-worker run and one process draw the
 * same crops whatever the cluster's shape.
 *
 * <p>One instance per thread: the per-image color shift lives in a scratch array so the hot loop
 * allocates nothing.
 */
public final class Augmenter {
    /** Tags the augmenter's stream apart from dropout's (which uses the layer index there). */
    static final long STREAM = 0x4155474DL; // "AUGM"
    private static final int DRAW_Y = 0;
    private static final int DRAW_X = 1;
    private static final int DRAW_FLIP = 2;
    private static final int DRAW_ALPHA = 3;

    private final AugmentSpec spec;
    private final PixelStatistics statistics;
    private final Shape source;
    private final Shape output;
    private final int pad;
    private final int maxOffsetY;
    private final int maxOffsetX;
    /** Per source pixel (C x H x W): what is subtracted and what it is multiplied by. */
    private final float[] mean;
    private final float[] invStd;
    private final float[] padValue;
    private final float[] jitterBasis; // eigvec[c][k] * eigval[k], row-major C x C, or null
    private final float sigma;
    private final int[] viewY;
    private final int[] viewX;
    private final boolean[] viewMirror;
    private final float[] shift;
    private final float[] noShift;

    public Augmenter(AugmentSpec spec, PixelStatistics statistics) {
        this.spec = spec;
        this.statistics = statistics;
        this.source = statistics.shape();
        this.output = spec.outputShape(source);
        this.pad = spec.pad();
        this.maxOffsetY = source.height() + 2 * pad - output.height();
        this.maxOffsetX = source.width() + 2 * pad - output.width();
        int channels = source.channels();
        int plane = source.height() * source.width();
        this.mean = new float[source.size()];
        this.invStd = new float[source.size()];
        this.padValue = new float[channels];
        AugmentSpec.Mean mode = spec.meanMode();
        if (mode == AugmentSpec.Mean.PER_PIXEL && statistics.pixelMean() == null) {
            throw new IllegalArgumentException("mean: per_pixel needs per-pixel statistics; fit them with this spec");
        }
        for (int c = 0; c < channels; c++) {
            for (int j = c * plane; j < (c + 1) * plane; j++) {
                float m = switch (mode) {
                    case NONE -> 0f;
                    case PER_CHANNEL -> statistics.channelMean()[c];
                    case PER_PIXEL -> statistics.pixelMean()[j];
                };
                float sd = mode == AugmentSpec.Mean.PER_PIXEL ? statistics.pixelStd()[j] : statistics.channelStd()[c];
                mean[j] = m;
                invStd[j] = spec.std() ? 1f / floorStd(sd) : 1f;
            }
            padValue[c] = mode == AugmentSpec.Mean.PER_CHANNEL
                    ? (0f - statistics.channelMean()[c]) * (spec.std() ? 1f / floorStd(statistics.channelStd()[c]) : 1f)
                    : 0f;
        }
        this.sigma = spec.pcaJitter().floatValue();
        if (sigma > 0) {
            if (statistics.eigenvalues() == null) {
                throw new IllegalArgumentException("pca_jitter needs the channel covariance's eigenvectors; fit them with this spec");
            }
            jitterBasis = new float[channels * channels];
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < channels; k++) {
                    jitterBasis[c * channels + k] = statistics.eigenvectors()[c * channels + k] * statistics.eigenvalues()[k];
                }
            }
        } else {
            jitterBasis = null;
        }
        this.shift = new float[channels];
        this.noShift = new float[channels];
        int views = spec.tenCrop() ? 10 : 1;
        this.viewY = new int[views];
        this.viewX = new int[views];
        this.viewMirror = new boolean[views];
        placeViews();
    }

    /** Fits the statistics {@code spec} needs on the training images, then builds the augmenter. */
    public static Augmenter fit(AugmentSpec spec, ImageSet train) {
        return new Augmenter(spec, PixelStatistics.fit(train, spec));
    }

    /**
     * A pixel that (almost) never varies over the training split, like Fashion-MNIST's black
     * corners, is divided by one grey level at most, not blown up by a near-zero deviation.
     */
    private static float floorStd(float std) {
        return Math.max(std, 1f / 255f);
    }

    /**
     * Evaluation windows. Corners are the extreme offsets along each axis: inside the image when the
     * crop is smaller (0 and S - C, plus P for the frame), or, when it is larger, the two placements
     * that still show the whole image. View 0 is the center; with ten crops, 1-4 are the corners
     * (top-left, top-right, bottom-left, bottom-right) and 5-9 the mirrors of 0-4.
     */
    private void placeViews() {
        int loY = pad + Math.min(0, source.height() - output.height());
        int hiY = pad + Math.max(0, source.height() - output.height());
        int loX = pad + Math.min(0, source.width() - output.width());
        int hiX = pad + Math.max(0, source.width() - output.width());
        int[] ys = {(loY + hiY) / 2, loY, loY, hiY, hiY};
        int[] xs = {(loX + hiX) / 2, loX, hiX, loX, hiX};
        for (int v = 0; v < viewY.length; v++) {
            viewY[v] = ys[v % 5];
            viewX[v] = xs[v % 5];
            viewMirror[v] = v >= 5;
        }
    }

    public AugmentSpec spec() {
        return spec;
    }

    public PixelStatistics statistics() {
        return statistics;
    }

    /** The images' shape as they come. */
    public Shape source() {
        return source;
    }

    /** The shape the net sees: channels x C x C. */
    public Shape output() {
        return output;
    }

    /** How many windows evaluation averages over: 1 (center) or 10. */
    public int views() {
        return viewY.length;
    }

    /**
     * Training: image {@code index} of the set, augmented as sample {@code sampleId} in epoch
     * {@code epoch} of the run seeded {@code seed}, into slot {@code slot} of {@code out}.
     */
    public void augment(ImageSet set, int index, long sampleId, int epoch, long seed, float[] out, int slot) {
        long key = KeyedRandom.key(seed, epoch, sampleId, STREAM);
        int oy = maxOffsetY > 0 ? KeyedRandom.below(key, DRAW_Y, maxOffsetY + 1) : 0;
        int ox = maxOffsetX > 0 ? KeyedRandom.below(key, DRAW_X, maxOffsetX + 1) : 0;
        boolean mirror = spec.flip() && KeyedRandom.uniform(key, DRAW_FLIP) < 0.5f;
        float[] colorShift = noShift;
        if (jitterBasis != null) {
            // AlexNet: add sum_k alpha_k * lambda_k * p_k to every pixel, alpha_k ~ N(0, sigma) once per image.
            int channels = source.channels();
            Arrays.fill(shift, 0f);
            for (int k = 0; k < channels; k++) {
                float alpha = (float) (sigma * KeyedRandom.normal(key, DRAW_ALPHA + k));
                for (int c = 0; c < channels; c++) {
                    shift[c] += jitterBasis[c * channels + k] * alpha;
                }
            }
            colorShift = shift;
        }
        write(set.pixels(), index * source.size(), oy, ox, mirror, colorShift, out, slot * output.size());
    }

    /** Evaluation: window {@code view} (0 = center) of image {@code index}, into slot {@code slot}. */
    public void evaluate(ImageSet set, int index, int view, float[] out, int slot) {
        write(set.pixels(), index * source.size(), viewY[view], viewX[view], viewMirror[view], noShift, out,
                slot * output.size());
    }

    /**
     * Fills the batch with the training images at positions[from, from+count): labels, and sample
     * ids = positions, the ids dropout keys its masks by too.
     */
    public void fill(ImageSet set, int[] positions, int from, int count, Batch batch, int epoch, long seed) {
        for (int i = 0; i < count; i++) {
            int p = positions[from + i];
            augment(set, p, p, epoch, seed, batch.images, i);
            batch.labels[i] = set.labels()[p];
            batch.sampleIds[i] = p;
        }
        batch.fill(count, epoch, seed);
    }

    // px holds the source image at src (C x H x W); out gets the C x C window at frame offset (oy, ox).
    private void write(byte[] px, int src, int oy, int ox, boolean mirror, float[] colorShift, float[] out, int dst) {
        int h = source.height();
        int w = source.width();
        int plane = h * w;
        int ch = output.height();
        int cw = output.width();
        for (int c = 0; c < source.channels(); c++) {
            float padV = padValue[c];
            float sh = colorShift[c];
            int srcPlane = src + c * plane;
            int statPlane = c * plane;
            int outPlane = dst + c * ch * cw;
            for (int y = 0; y < ch; y++) {
                int sy = y + oy - pad;
                int o = outPlane + y * cw;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(out, o, o + cw, padV);
                    continue;
                }
                // Output column x shows frame column ox + x, or ox + cw - 1 - x mirrored: step +1 or -1.
                int sx = mirror ? ox + cw - 1 - pad : ox - pad;
                int step = mirror ? -1 : 1;
                int row = sy * w;
                for (int x = 0; x < cw; x++, sx += step) {
                    if (sx < 0 || sx >= w) {
                        out[o + x] = padV;
                    } else {
                        int j = row + sx;
                        out[o + x] = ((px[srcPlane + j] & 0xff) * (1f / 255f) + sh - mean[statPlane + j]) * invStd[statPlane + j];
                    }
                }
            }
        }
    }
}
