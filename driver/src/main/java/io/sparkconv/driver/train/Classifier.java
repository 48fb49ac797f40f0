package io.sparkconv.driver.train;

import io.sparkconv.kernels.net.Net;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.data.ImageSet;

/**
 * A net's class probabilities for images of a set, in inference mode, a chunk at a time, on the
 * augmenter's evaluation windows: the center crop, or the softmax averaged over the ten crops.
 * Scoring ({@link Evaluation}) and prediction both go through it, so a split scored either way
 * gives the same numbers, bit for bit, for the same chunks.
 */
public final class Classifier {
    private final Net net;
    private final Augmenter augmenter;
    private final int chunk;
    private final int classes;
    private final float[] images;
    private final float[] probs;
    private final float[] mean;

    /** @param batch images per inference call (the run's eval_batch_size), at most the net's largest batch */
    public Classifier(Net net, Augmenter augmenter, int batch) {
        this.net = net;
        this.augmenter = augmenter;
        this.chunk = Math.min(batch, net.maxBatch());
        this.classes = net.plan().classes();
        this.images = new float[chunk * augmenter.output().size()];
        this.probs = new float[chunk * classes];
        this.mean = augmenter.views() > 1 ? new float[chunk * classes] : probs;
    }

    public int chunk() {
        return chunk;
    }

    public int classes() {
        return classes;
    }

    /**
     * The probabilities of images [from, from + n) of the set, n at most {@link #chunk}: row i holds
     * image from + i's, {@code classes} of them; valid until the next call.
     */
    public float[] probabilities(ImageSet set, int from, int n) {
        int views = augmenter.views();
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < n; i++) {
                augmenter.evaluate(set, from + i, v, images, i);
            }
            net.predict(images, n, probs);
            if (views > 1) {
                for (int j = 0; j < n * classes; j++) {
                    mean[j] = (v == 0 ? 0f : mean[j]) + probs[j] / views;
                }
            }
        }
        return mean;
    }

    /** The most probable class of row {@code row}: the first of equals. */
    public static int argmax(float[] p, int row, int classes) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (p[row * classes + k] > p[row * classes + best]) {
                best = k;
            }
        }
        return best;
    }
}
