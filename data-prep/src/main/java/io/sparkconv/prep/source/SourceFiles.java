package io.sparkconv.prep.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** File-system helpers the sources share. */
final class SourceFiles {
    private SourceFiles() {}

    /** The file system for reading: on file:// the raw one, which skips looking for a .crc file per image. */
    static FileSystem forReading(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** The visible entries of a folder (no .hidden or _marker files), sorted by name; a missing folder is named. */
    static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
        FileStatus[] all;
        try {
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new SourceException(dir + ": not a folder; give the folder that holds the dataset");
            }
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            throw new SourceException(dir + ": no such folder");
        }
        List<FileStatus> visible = new ArrayList<>();
        for (FileStatus s : all) {
            if (visible(s.getPath().getName())) {
                visible.add(s);
            }
        }
        visible.sort(Comparator.comparing(s -> s.getPath().getName()));
        return visible;
    }

    /** Hadoop's convention: names starting with '.' or '_' are metadata (.crc, _SUCCESS), not data. */
    static boolean visible(String name) {
        return !name.startsWith(".") && !name.startsWith("_");
    }

    /** The file called {@code name} directly in the listing, or null. */
    static FileStatus find(List<FileStatus> listing, String... names) {
        for (FileStatus s : listing) {
            if (s.isFile() && Arrays.asList(names).contains(s.getPath().getName())) {
                return s;
            }
        }
        return null;
    }

    /**
     * Cuts [0, n) into ranges of at most {@code target} items, as evenly as they go:
     * {@code bounds[i]..bounds[i+1]}.
     */
    static int[] ranges(int n, int target) {
        int parts = Math.max(1, (n + target - 1) / Math.max(1, target));
        int[] bounds = new int[parts + 1];
        for (int i = 0; i <= parts; i++) {
            bounds[i] = (int) ((long) n * i / parts);
        }
        return bounds;
    }
}
