/**
 * Live augmentation on the workers: {@link io.sparkconv.prep.augment.AugmentSpec} (the config's
 * {@code augment:} section), {@link io.sparkconv.prep.augment.PixelStatistics} (what is subtracted
 * and divided by, measured once on the training split) and {@link io.sparkconv.prep.augment.Augmenter}
 * (uint8 images to the net's batch floats: crop, mirror, color jitter, normalization). Plain Java,
 * no Spark: the same code runs in the single process and in every Spark worker.
 */
package io.sparkconv.prep.augment;
