package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts a FUSE connection through the fusectl filesystem: writing to connections/N/abort ends
 * every request of that connection at once (callers get ENOTCONN) and the daemon's reads get
 * ENODEV. Where fusectl is not mounted at /sys/fs/fuse/connections (no systemd), it is mounted
 * on a private directory for the one write and unmounted again, leaving nothing behind.
 */
public final class FuseControl {
    private static final Logger log = LoggerFactory.getLogger(FuseControl.class);
    private static final Path SYSTEM = Path.of("/sys/fs/fuse/connections");
    private static final int MNT_DETACH = 2;

    private FuseControl() {
    }

    /**
     * Aborts connection N (a FUSE mount's device minor); 0 when the abort was written, else
     * -errno (ENOENT: no such connection any more). Any FUSE mount's, whichever engine serves it.
     */
    public static int abort(int connection) {
        Path there = SYSTEM.resolve(Integer.toString(connection)).resolve("abort");
        if (Files.exists(there)) return write(there);
        if (mounted(SYSTEM)) return -Errors.ENOENT;
        return abortThroughPrivateMount(connection);
    }

    /** Package-private so a test can take this path where the system has fusectl mounted. */
    static int abortThroughPrivateMount(int connection) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sharefs-fusectl", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            log.error("cannot make a directory to mount fusectl on: {}", e.toString());
            return -Errors.EIO;
        }
        KernelLibC c = KernelLibC.get();
        byte[] target = KernelLibC.cstr(dir.toString());
        try {
            if (c.mount(KernelLibC.cstr("fusectl"), target, KernelLibC.cstr("fusectl"), 0, null) != 0) {
                int e = KernelLibC.errno();
                log.error("cannot mount fusectl on {} to abort connection {}: {}", dir, connection, Errors.describe(e));
                return -e;
            }
            try {
                Path abort = dir.resolve(Integer.toString(connection)).resolve("abort");
                return Files.exists(abort) ? write(abort) : -Errors.ENOENT;
            } finally {
                c.umount2(target, MNT_DETACH);
            }
        } finally {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", dir, e.toString());
            }
        }
    }

    private static int write(Path abort) {
        try {
            Files.writeString(abort, "1");
            return 0;
        } catch (IOException e) {
            log.error("cannot write {}: {}", abort, e.toString());
            return -Errors.EIO;
        }
    }

    /** Whether a filesystem is mounted right at dir (its mount id differs from its parent's). */
    private static boolean mounted(Path dir) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && Mountinfo.unescape(f[4]).equals(dir.toString())) return true;
            }
        } catch (IOException e) {
            log.warn("cannot read /proc/self/mountinfo: {}", e.toString());
        }
        return false;
    }
}
