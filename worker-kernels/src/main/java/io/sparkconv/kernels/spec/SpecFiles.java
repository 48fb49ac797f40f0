package io.sparkconv.kernels.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the YAML files of {@code conf/} into typed specs. Strict on purpose: an unknown key, a
 * missing required number or a wrong type fails here, naming the file, the line and the field,
 * before any work starts.
 */
public final class SpecFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SpecFiles() {}

    /** The mapper behind every spec file, also for writing a resolved config back out. */
    public static ObjectMapper yaml() {
        return YAML;
    }

    public static <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), type);
    }

    /** Parses YAML text; {@code source} names it in messages. */
    public static <T> T parse(String text, String source, Class<T> type) {
        try {
            T value = YAML.readValue(text, type);
            if (value == null) {
                throw new SpecException(source + ": empty file");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new SpecException(describe(text, source, e), e);
        }
    }

    static String describe(String text, String source, JsonProcessingException e) {
        StringBuilder where = new StringBuilder(source);
        String field = "";
        int line = -1;
        if (e instanceof JsonMappingException m) {
            field = fieldPath(m);
            line = YamlLines.lineOf(text, m.getPath());
        }
        JsonLocation loc = e.getLocation();
        if (line < 0 && loc != null && loc.getLineNr() > 0) {
            // Creator-based types report where the parser stopped, which is after the object;
            // the path lookup above gives the key's own line whenever the YAML is well-formed.
            line = loc.getLineNr();
        }
        if (line > 0) {
            where.append(':').append(line);
        }
        String reason;
        if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown key '" + u.getPropertyName() + "'"
                    + (u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds() + ")");
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            reason = root == e ? e.getOriginalMessage() : root.getMessage();
        }
        return where + (field.isEmpty() ? "" : ": " + field) + ": " + reason;
    }

    private static String fieldPath(JsonMappingException m) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
