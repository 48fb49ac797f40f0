package io.sparkconv.prep.augment;

import io.sparkconv.kernels.spec.Shape;
import java.io.Serializable;
import java.util.Locale;

/**
 * What the augmenter does to each image, as the {@code augment:} section of a training config
 * writes it. Every key is optional; with none given the net sees what it always saw: the whole
 * image as x / 255 minus the training split's per-channel mean.
 *
 * <pre>
 * augment: {crop: 28, pad: 4, flip: true, mean: per_channel, std: false, pca_jitter: 0.1, eval: center}
 * </pre>
 *
 * @param crop      C: training takes a C x C crop at a random offset, evaluation the center (or ten)
 *                  C x C crops; 0 (default) = the image's own size, so only {@code pad} makes room to move
 * @param pad       P: black border added on every side before cropping (28 out of 28 padded by 4)
 * @param flip      mirror each training image left-right with probability 0.5
 * @param mean      {@code per_channel} (default), {@code per_pixel} or {@code none}: what is subtracted
 *                  from x / 255, measured on the training split
 * @param std       also divide by the standard deviation (per channel or per pixel, as {@code mean})
 * @param pcaJitter sigma of AlexNet's color jitter (Krizhevsky et al. 2012, sec. 4.1: 0.1); 0 = off
 * @param eval      {@code center} (default) or {@code ten_crop}: the softmax averaged over the four
 *                  corner crops, the center crop and their mirrors
 */
public record AugmentSpec(Integer crop, Integer pad, Boolean flip, String mean, Boolean std, Double pcaJitter,
                          String eval) implements Serializable {
    /** What {@link #mean} names. */
    public enum Mean { NONE, PER_CHANNEL, PER_PIXEL }

    public AugmentSpec {
        crop = crop == null ? 0 : crop;
        pad = pad == null ? 0 : pad;
        flip = flip != null && flip;
        mean = mean == null ? "per_channel" : mean.toLowerCase(Locale.ROOT);
        std = std != null && std;
        pcaJitter = pcaJitter == null ? 0.0 : pcaJitter;
        eval = eval == null ? "center" : eval.toLowerCase(Locale.ROOT);
        if (crop < 0) {
            throw new IllegalArgumentException("crop must be >= 0 (0 = the image's size), got " + crop);
        }
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be >= 0, got " + pad);
        }
        if (!mean.equals("none") && !mean.equals("per_channel") && !mean.equals("per_pixel")) {
            throw new IllegalArgumentException("mean must be per_channel, per_pixel or none, got '" + mean + "'");
        }
        if (!(pcaJitter >= 0 && pcaJitter < 10)) {
            throw new IllegalArgumentException("pca_jitter must be a sigma in [0, 10), got " + pcaJitter);
        }
        if (!eval.equals("center") && !eval.equals("ten_crop")) {
            throw new IllegalArgumentException("eval must be center or ten_crop, got '" + eval + "'");
        }
    }

    /** No augmentation: the whole image minus the per-channel mean, as before augmentation existed. */
    public static AugmentSpec none() {
        return new AugmentSpec(null, null, null, null, null, null, null);
    }

    public Mean meanMode() {
        return Mean.valueOf(mean.toUpperCase(Locale.ROOT));
    }

    public boolean tenCrop() {
        return eval.equals("ten_crop");
    }

    /**
     * The shape the net takes for images of {@code source}'s shape: C x C, or the source's own size
     * when crop is 0. Fails, naming the numbers, when the crop does not fit the padded image.
     */
    public Shape outputShape(Shape source) {
        if (crop == 0) {
            return source;
        }
        if (crop > source.height() + 2 * pad || crop > source.width() + 2 * pad) {
            throw new IllegalArgumentException("augment: a " + crop + "x" + crop + " crop does not fit "
                    + source.height() + "x" + source.width() + " images padded by " + pad);
        }
        return new Shape(source.channels(), crop, crop);
    }
}
