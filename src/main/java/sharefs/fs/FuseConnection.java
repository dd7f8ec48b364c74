package sharefs.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.fuse.kernel.FuseControl;

/**
 * A FUSE mount's connection, as the kernel's fusectl shows it. Aborting it ends every request
 * still waiting for the daemon, answered or not, and every later one: a caller stuck on a daemon
 * that cannot answer (its worker blocked on a hung backing filesystem) returns with an error,
 * which no unmount, lazy or not, achieves on its own. Works for either engine's mounts; where
 * fusectl is not mounted, {@link FuseControl} mounts it privately for the one write.
 */
public final class FuseConnection {
    private static final Logger log = LoggerFactory.getLogger(FuseConnection.class);

    private FuseConnection() {
    }

    /** The connection number of a mount listed in mountinfo: its device minor (FUSE mounts are major 0). */
    static int connectionOf(MountTable.Entry e) {
        String dev = e.device();
        int colon = dev.indexOf(':');
        if (colon < 0 || !dev.substring(0, colon).equals("0")) {
            throw new IllegalArgumentException("not a FUSE device: " + dev);
        }
        return Integer.parseInt(dev.substring(colon + 1));
    }

    /** Aborts the connection of this mount; false (and a log line) if it could not. */
    public static boolean abort(MountTable.Entry e) {
        int n = connectionOf(e);
        int rc = FuseControl.abort(n);
        if (rc == 0) {
            log.info("aborted the FUSE connection of {} ({})", e.mountPoint(), n);
            return true;
        }
        log.warn("cannot abort the FUSE connection of {} ({}): errno {}", e.mountPoint(), n, -rc);
        return false;
    }
}
