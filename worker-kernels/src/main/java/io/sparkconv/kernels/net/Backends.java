package io.sparkconv.kernels.net;

import io.sparkconv.kernels.java.JavaBackend;
import java.util.Locale;

/** Picks a backend by name: {@code auto} takes the fastest that works on this machine. */
public final class Backends {
    private Backends() {}

    public static Backend select(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            // The native oneDNN backend is not part of this build yet; auto means Java until it is.
            case "auto", "java" -> new JavaBackend();
            case "onednn" -> throw new IllegalArgumentException(
                    "backend 'onednn' is not available in this build; use 'java' or 'auto'");
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': use auto, java or onednn");
        };
    }
}
