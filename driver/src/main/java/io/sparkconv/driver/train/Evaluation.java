package io.sparkconv.driver.train;

import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.stream.ReadAhead;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.train.ValidationScores;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.data.ImageSet;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Accuracy and mean cross-entropy of a net on a whole image set, in inference mode, on the
 * augmenter's evaluation windows: the center crop, or the softmax averaged over the ten crops.
 */
public record Evaluation(double accuracy, double loss, int images) {
    /** The sums a replica adds to the others' (no images: nothing, so a run without validation reports NaN). */
    public ValidationScores scores() {
        return images == 0 ? ValidationScores.NONE : new ValidationScores(Math.rint(accuracy * images), loss * images, images);
    }

    /** What a run reports for a split it was not allowed to look at. */
    public static Evaluation notScored() {
        return new Evaluation(Double.NaN, Double.NaN, 0);
    }

    /** The evaluation of summed scores (NaN figures when they cover no images). */
    public static Evaluation of(ValidationScores sums) {
        return sums.images() == 0 ? notScored()
                : new Evaluation(sums.correct() / sums.images(), sums.lossSum() / sums.images(), (int) sums.images());
    }

    /**
     * Units {@code which} of a part, read one after another (the next while the current one is
     * scored), summed: a worker's share of validation or test, or, with every unit, the whole part.
     */
    public static ValidationScores over(Net net, SplitUnits units, int[] which, Augmenter augmenter, int batch)
            throws IOException {
        double correct = 0;
        double loss = 0;
        long images = 0;
        if (which.length == 0) {
            return ValidationScores.NONE;
        }
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sparkconv-eval-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<ImageSet> next = reader.submit(() -> units.read(which[0]));
            for (int i = 0; i < which.length; i++) {
                ImageSet set = ReadAhead.await(next);
                if (i + 1 < which.length) {
                    int u = which[i + 1];
                    next = reader.submit(() -> units.read(u));
                }
                Evaluation e = of(net, set, augmenter, batch);
                correct += Math.rint(e.accuracy() * e.images());
                loss += e.loss() * e.images();
                images += e.images();
            }
        } finally {
            reader.shutdownNow();
        }
        return images == 0 ? ValidationScores.NONE : new ValidationScores(correct, loss, images);
    }

    public static Evaluation of(Net net, ImageSet set, Augmenter augmenter, int batch) {
        Classifier classifier = new Classifier(net, augmenter, batch);
        int classes = classifier.classes();
        int correct = 0;
        double loss = 0;
        for (int from = 0; from < set.size(); from += classifier.chunk()) {
            int n = Math.min(classifier.chunk(), set.size() - from);
            float[] mean = classifier.probabilities(set, from, n);
            for (int i = 0; i < n; i++) {
                int label = set.labels()[from + i];
                if (Classifier.argmax(mean, i, classes) == label) {
                    correct++;
                }
                loss -= Math.log(Math.max(mean[i * classes + label], 1e-30f));
            }
        }
        int n = Math.max(1, set.size());
        return new Evaluation((double) correct / n, loss / n, set.size());
    }
}
