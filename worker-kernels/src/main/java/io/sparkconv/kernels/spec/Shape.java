package io.sparkconv.kernels.spec;

/**
 * The shape of one image's activations, channels x height x width; a vector is c x 1 x 1.
 * Serializable: it travels to Spark workers inside their specs.
 */
public record Shape(int channels, int height, int width) implements java.io.Serializable {
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    public static Shape vector(int length) {
        return new Shape(length, 1, 1);
    }

    /** Floats per image. */
    public int size() {
        return channels * height * width;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isVector() {
        return height == 1 && width == 1;
    }

    @Override
    public String toString() {
        return isVector() ? Integer.toString(channels) : channels + "x" + height + "x" + width;
    }
}
