package io.sparkconv.driver.distributed;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.train.TrainingStatistics;
import io.sparkconv.prep.augment.PixelMoments;
import io.sparkconv.prep.augment.PixelStatistics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The augmenter's statistics of a Spark run's training part, without the driver reading a pixel:
 * the manifest's when they are the run's, else one job whose tasks sum the {@link PixelMoments}
 * of their training units and the driver adds up the sums, exactly, so the figures are those a
 * single process computes.
 */
final class StatisticsJob {
    private StatisticsJob() {}

    static PixelStatistics run(JavaSparkContext sc, TrainConfig config, int units) throws IOException {
        Optional<PixelStatistics> kept = TrainingStatistics.fromManifest(config.data(), config.augment());
        if (kept.isPresent()) {
            return kept.get();
        }
        List<Integer> all = new ArrayList<>(units);
        for (int u = 0; u < units; u++) {
            all.add(u);
        }
        String json = config.toJson();
        sc.setJobGroup("sparkconv-statistics", "training split statistics over " + units + " units", true);
        try {
            PixelMoments sums = sc.parallelize(all, Math.max(1, Math.min(units, sc.defaultParallelism())))
                    .mapPartitions((Iterator<Integer> it) -> {
                        TrainConfig c = TrainConfig.fromJson(json);
                        SplitUnits train = RunData.open(c.data()).train();
                        PixelMoments part = new PixelMoments(train.shape(), c.augment());
                        while (it.hasNext()) {
                            part.add(train.read(it.next()));
                        }
                        return List.of(part).iterator();
                    })
                    .reduce(PixelMoments::merge);
            return PixelStatistics.of(sums);
        } finally {
            sc.clearJobGroup();
        }
    }
}
