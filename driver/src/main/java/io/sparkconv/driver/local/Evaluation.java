package io.sparkconv.driver.local;

import io.sparkconv.kernels.net.Net;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.normalize.PixelNormalizer;

/** Accuracy and mean cross-entropy of a net on a whole image set, in inference mode. */
public record Evaluation(double accuracy, double loss, int images) {
    /** What a run reports for a split it was not allowed to look at. */
    public static Evaluation notScored() {
        return new Evaluation(Double.NaN, Double.NaN, 0);
    }

    public static Evaluation of(Net net, ImageSet set, PixelNormalizer normalizer, int batch) {
        int classes = net.plan().classes();
        int chunk = Math.min(batch, net.maxBatch());
        float[] images = new float[chunk * set.shape().size()];
        float[] probs = new float[chunk * classes];
        int correct = 0;
        double loss = 0;
        for (int from = 0; from < set.size(); from += chunk) {
            int n = Math.min(chunk, set.size() - from);
            for (int i = 0; i < n; i++) {
                normalizer.normalize(set, from + i, images, i);
            }
            net.predict(images, n, probs);
            for (int i = 0; i < n; i++) {
                int label = set.labels()[from + i];
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (probs[i * classes + k] > probs[i * classes + best]) {
                        best = k;
                    }
                }
                if (best == label) {
                    correct++;
                }
                loss -= Math.log(Math.max(probs[i * classes + label], 1e-30f));
            }
        }
        int n = Math.max(1, set.size());
        return new Evaluation((double) correct / n, loss / n, set.size());
    }
}
