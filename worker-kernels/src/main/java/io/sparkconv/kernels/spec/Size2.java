package io.sparkconv.kernels.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A (height, width) pair as a spec writes it: {@code 5} for a square, {@code [3, 5]} for a
 * non-square kernel, stride or padding.
 */
public record Size2(int h, int w) {
    public static Size2 square(int v) {
        return new Size2(v, v);
    }

    @JsonCreator
    static Size2 fromJson(JsonNode node) {
        if (node.isInt()) {
            return square(node.intValue());
        }
        if (node.isArray() && node.size() == 2 && node.get(0).isInt() && node.get(1).isInt()) {
            return new Size2(node.get(0).intValue(), node.get(1).intValue());
        }
        throw new IllegalArgumentException("expected an integer or [height, width], got " + node);
    }

    @JsonValue
    Object toJson() {
        return h == w ? (Object) h : new int[] {h, w};
    }

    @Override
    public String toString() {
        return h == w ? Integer.toString(h) : h + "x" + w;
    }
}
