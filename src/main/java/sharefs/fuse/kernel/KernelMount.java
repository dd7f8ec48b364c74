package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FUSE mount made with mount(2) on the kernel protocol, no libfuse and no fusermount:
 * /dev/fuse is opened, and the filesystem is mounted with that descriptor on the mountpoint's
 * own descriptor (see {@link MountPoint}). Options: allow_other (every uid reaches the daemon,
 * which decides), and deliberately no default_permissions: the daemon checks every call itself.
 * nosuid and nodev as fusermount sets them. Root only (CAP_SYS_ADMIN).
 */
final class KernelMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelMount.class);
    static final String SOURCE = "sharefs", FSTYPE = "fuse.sharefs";
    private static final long MS_NOSUID = 2, MS_NODEV = 4;
    private static final int MNT_DETACH = 2;

    private final MountPoint mountPoint;
    private final int connection;
    private boolean unmounted;
    private boolean closed;

    private KernelMount(MountPoint mountPoint, int connection) {
        this.mountPoint = mountPoint;
        this.connection = connection;
    }

    /** Mounts device's connection on mountPoint; throws with one line when it cannot. */
    static KernelMount mount(Path mountPointPath, FuseDevice device) {
        MountPoint mp = MountPoint.open(mountPointPath);
        String data = "fd=" + device.fd() + ",rootmode=40000,user_id=0,group_id=0,allow_other";
        if (KernelLibC.get().mount(KernelLibC.cstr(SOURCE), mp.procPath(), KernelLibC.cstr(FSTYPE), MS_NOSUID | MS_NODEV,
                KernelLibC.cstr(data)) != 0) {
            int e = KernelLibC.errno();
            mp.close();
            throw new FuseException("cannot mount on " + mp.path() + ": " + Errors.describe(e)
                    + (e == Errors.EPERM ? " (mounting needs root)" : ""));
        }
        int conn;
        try {
            conn = ConnectionId.find(mp, FSTYPE);
        } catch (IOException | RuntimeException e) {
            conn = -1;
            log.warn("cannot find the FUSE connection of {}: {}", mp.path(), e.toString());
        }
        if (conn < 0) log.warn("no connection number for {}: abort() will not work", mp.path());
        log.debug("mounted {} (connection {})", mp.path(), conn);
        return new KernelMount(mp, conn);
    }

    /** The fusectl connection number (the device minor), or -1 if it could not be found. */
    int connection() {
        return connection;
    }

    Path path() {
        return mountPoint.path();
    }

    /**
     * Detaches the mount (umount2 MNT_DETACH): gone from the namespace at once, the connection
     * ends once no file in it is open. 0, or -errno (EINVAL: no longer mounted there).
     */
    synchronized int unmount() {
        if (unmounted) return 0;
        if (closed) return -Errors.EBADF;
        if (KernelLibC.get().umount2(mountPoint.procPath(), MNT_DETACH) != 0) return -KernelLibC.errno();
        unmounted = true;
        return 0;
    }

    /** Ends every pending and future request of the connection (callers get ENOTCONN). */
    int abort() {
        if (connection < 0) return -Errors.ENOENT;
        return FuseControl.abort(connection);
    }

    /** Releases the mountpoint's descriptor; unmount() is impossible after. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        mountPoint.close();
    }
}
