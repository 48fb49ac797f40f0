package io.sparkconv.prep.prepared;

import io.sparkconv.prep.data.ImageSet;

/**
 * One split of a prepared dataset in memory, ordered by key, so position p is the same image in
 * every process that loads it.
 *
 * @param folds folds[p] is image p's fold (0..K-1 in train, -1 in validation and test)
 */
public record PreparedSplit(ImageSet images, int[] folds) {
    public PreparedSplit {
        if (folds.length != images.size()) {
            throw new IllegalArgumentException(images.name() + ": " + folds.length + " folds for " + images.size()
                    + " images");
        }
    }
}
