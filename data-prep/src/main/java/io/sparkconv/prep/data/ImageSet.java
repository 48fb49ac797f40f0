package io.sparkconv.prep.data;

import io.sparkconv.kernels.spec.Shape;

/**
 * Labelled images in memory as uint8 pixels, NCHW, as they come from the source or a prepared
 * dataset. Normalization happens later, per batch, so the set stays four times smaller than floats.
 *
 * @param keys a stable name per image (source file and position), used for splits and randomness
 */
public record ImageSet(String name, Shape shape, int classes, byte[] pixels, int[] labels, String[] keys) {
    public ImageSet {
        if (pixels.length != (long) labels.length * shape.size()) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + shape);
        }
        if (keys.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + keys.length + " keys for " + labels.length + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": image " + i + " (" + keys[i] + ") has label " + labels[i]
                        + ", outside [0, " + classes + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** The images at the given positions, as a new set. */
    public ImageSet subset(String subsetName, int[] positions) {
        int sz = shape.size();
        byte[] px = new byte[positions.length * sz];
        int[] lb = new int[positions.length];
        String[] ks = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(pixels, positions[i] * sz, px, i * sz, sz);
            lb[i] = labels[positions[i]];
            ks[i] = keys[positions[i]];
        }
        return new ImageSet(subsetName, shape, classes, px, lb, ks);
    }
}
