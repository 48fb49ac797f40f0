package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sparkconv.kernels.spec.Words;

/**
 * How a worker holds its part of the training split: {@code memory} reads each of its files once
 * and keeps them; {@code stream} reads them again every epoch, a few at a time; {@code auto} keeps
 * them when they fit in {@code data.memory_mb}. Both give the same batches.
 */
public enum DataLoading {
    AUTO,
    MEMORY,
    STREAM;

    @JsonCreator
    public static DataLoading parse(String word) {
        return Words.parse(DataLoading.class, "loading", word);
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
