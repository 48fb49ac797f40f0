package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sparkconv.kernels.spec.Words;

/** What {@code data.path} holds: MNIST-style {@code idx} files, or a {@code prepared} dataset written by {@code sparkconv prep}. */
public enum DataFormat {
    IDX,
    PREPARED;

    @JsonCreator
    public static DataFormat parse(String word) {
        return Words.parse(DataFormat.class, "format", word);
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
