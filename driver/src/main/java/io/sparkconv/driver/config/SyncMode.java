package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sparkconv.kernels.spec.Words;

/** How a step's gradients are summed: {@code ring} (barrier tasks all-reduce every step) or {@code spark} (one Spark job per step: broadcast, treeAggregate). */
public enum SyncMode {
    RING,
    SPARK;

    @JsonCreator
    public static SyncMode parse(String word) {
        return Words.parse(SyncMode.class, "sync", word);
    }

    @JsonValue
    public String word() {
        return Words.of(this);
    }

    @Override
    public String toString() {
        return word();
    }
}
