package io.sparkconv.kernels.backends;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sparkconv.kernels.spec.Words;

/** Which kernels a run asks for: {@code auto} (oneDNN where it loads, else Java), {@code java}, {@code onednn}. */
public enum BackendChoice {
    AUTO,
    JAVA,
    ONEDNN;

    @JsonCreator
    public static BackendChoice parse(String word) {
        return Words.parse(BackendChoice.class, "backend", word);
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
