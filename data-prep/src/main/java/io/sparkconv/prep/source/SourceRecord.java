package io.sparkconv.prep.source;

/**
 * One image as a source yields it on an executor, before decoding or conversion.
 * {@code key} names it stably (its path under the input, or "file#index"); {@code testFile} marks
 * records of the source's own test files, which form the test split whatever their key.
 */
public sealed interface SourceRecord permits SourceRecord.Encoded, SourceRecord.Raw, SourceRecord.Rejected {
    String key();

    int label();

    boolean testFile();

    /** A JPEG or PNG file's bytes, still to be decoded. */
    record Encoded(String key, int label, boolean testFile, byte[] bytes) implements SourceRecord {}

    /** Pixels stored raw by the source (IDX, CIFAR): uint8, CHW. */
    record Raw(String key, int label, boolean testFile, int channels, int height, int width, byte[] pixels)
            implements SourceRecord {}

    /** A record the source itself finds bad (e.g. a label outside the classes); listed with its reason. */
    record Rejected(String key, int label, boolean testFile, String reason) implements SourceRecord {}
}
