package io.sparkconv.driver.train;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.augment.AugmentSpec;
import io.sparkconv.prep.augment.PixelMoments;
import io.sparkconv.prep.augment.PixelStatistics;
import io.sparkconv.prep.manifest.Manifest;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * What the augmenter normalizes by, measured on the run's training part only. A prepared dataset's
 * manifest holds the train split's per-channel statistics (and, for RGB, its covariance's
 * eigenvectors), so a run that trains on that split without per-pixel means reads no pixels for
 * them; any other run sums {@link PixelMoments} over its training units, in this process or in a
 * Spark job, exactly, so both give the same numbers.
 */
public final class TrainingStatistics {
    private TrainingStatistics() {}

    /** The manifest's statistics when they are this run's, else empty. */
    public static Optional<PixelStatistics> fromManifest(DataConfig data, AugmentSpec spec) throws IOException {
        if (!data.prepared() || data.heldOutFold() >= 0 || data.trainOnValidation()
                || spec.meanMode() == AugmentSpec.Mean.PER_PIXEL) {
            return Optional.empty();
        }
        Manifest m = Manifest.read(data.path(), new Configuration());
        Manifest.Stats stats = m.stats();
        Manifest.ImageShape ms = m.shape();
        if (stats == null || !ms.fixed() || spec.pcaJitter() > 0 && stats.eigenvalues() == null) {
            return Optional.empty();
        }
        int channels = ms.channels();
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = stats.mean().get(c).floatValue();
            std[c] = stats.std().get(c).floatValue();
        }
        float[] values = null;
        float[] vectors = null;
        if (spec.pcaJitter() > 0) {
            values = new float[channels];
            vectors = new float[channels * channels];
            for (int k = 0; k < channels; k++) {
                values[k] = (float) Math.max(0, stats.eigenvalues().get(k));
                for (int r = 0; r < channels; r++) {
                    vectors[r * channels + k] = stats.eigenvectors().get(r).get(k).floatValue();
                }
            }
        }
        return Optional.of(new PixelStatistics(new Shape(channels, ms.height(), ms.width()), mean, std, null, null,
                values, vectors));
    }

    /** The manifest's, else the moments of every training unit read here, one after another. */
    public static PixelStatistics local(DataConfig data, AugmentSpec spec, SplitUnits train) throws IOException {
        Optional<PixelStatistics> kept = fromManifest(data, spec);
        if (kept.isPresent()) {
            return kept.get();
        }
        PixelMoments sums = new PixelMoments(train.shape(), spec);
        for (int u = 0; u < train.count(); u++) {
            sums.add(train.read(u));
        }
        return PixelStatistics.of(sums);
    }
}
