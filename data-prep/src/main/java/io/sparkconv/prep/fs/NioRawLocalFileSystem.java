package io.sparkconv.prep.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's raw local file system, but setting permissions through java.nio when Hadoop's native
 * library is missing (the usual case outside a Hadoop install): the stock class then forks a
 * {@code chmod} for every file and folder it creates. Writing a prepared dataset creates about ten
 * per task (part files, their .crc files, attempt folders); on a loaded 2-core machine those forks
 * kept the tasks waiting 90% of their time.
 */
public class NioRawLocalFileSystem extends RawLocalFileSystem {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
        short mode = permission.toShort();
        // java.nio cannot set the sticky bit; leave that rare case to Hadoop
        if (NativeIO.isAvailable() || (mode & 01000) != 0) {
            super.setPermission(p, permission);
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(BITS[bit]);
            }
        }
        try {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), perms);
        } catch (UnsupportedOperationException e) {
            super.setPermission(p, permission);
        }
    }
}
