package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sparkconv.kernels.spec.Words;

/** How ring hops are carried: {@code auto} (shared memory between workers on one host, TCP between hosts) or {@code tcp} (every hop). */
public enum Transport {
    AUTO,
    TCP;

    @JsonCreator
    public static Transport parse(String word) {
        return Words.parse(Transport.class, "transport", word);
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
