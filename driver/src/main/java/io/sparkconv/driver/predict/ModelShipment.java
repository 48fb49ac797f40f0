package io.sparkconv.driver.predict;

import io.sparkconv.prep.augment.PixelStatistics;
import java.io.Serializable;
import java.util.List;

/**
 * What a prediction task needs of a trained model, broadcast once: its resolved config, its
 * parameters, what it normalizes inputs by, and its classes' names. A plain class: it travels
 * through Spark's Kryo, registered with Java serialization (Kryo's field serializer cannot build the
 * statistics' record).
 */
public final class ModelShipment implements Serializable {
    private static final long serialVersionUID = 1L;

    final String configJson;
    final float[] params;
    final PixelStatistics statistics;
    final List<String> classNames;

    ModelShipment(String configJson, float[] params, PixelStatistics statistics, List<String> classNames) {
        this.configJson = configJson;
        this.params = params;
        this.statistics = statistics;
        this.classNames = List.copyOf(classNames);
    }
}
