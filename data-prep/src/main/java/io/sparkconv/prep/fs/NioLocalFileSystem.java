package io.sparkconv.prep.fs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;

/**
 * file:// with checksums, as Hadoop's LocalFileSystem, over {@link NioRawLocalFileSystem}. The job
 * uses it for what it writes only, through {@link #forWriting}: the shared, cached file:// instance
 * of the application is left alone.
 */
public class NioLocalFileSystem extends LocalFileSystem {
    public NioLocalFileSystem() {
        super(new NioRawLocalFileSystem());
    }

    /**
     * Hadoop settings that make file:// paths use this class, uncached so the setting takes effect
     * even where a stock instance is cached already; empty when the configuration names its own
     * file:// implementation.
     */
    public static java.util.Map<String, String> forWriting(Configuration conf) {
        if (conf.get("fs.file.impl") != null) {
            return java.util.Map.of();
        }
        return java.util.Map.of("fs.file.impl", NioLocalFileSystem.class.getName(),
                "fs.file.impl.disable.cache", "true");
    }
}
