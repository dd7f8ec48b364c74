package sharefs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FUSE mount's connection, as the kernel's fusectl shows it. Aborting it ends every request
 * still waiting for the daemon, answered or not, and every later one: a caller stuck in D state
 * on a daemon that cannot answer (its worker blocked on a hung backing filesystem) returns with
 * an error, which no unmount, lazy or not, achieves on its own.
 */
public final class FuseConnection {
    private static final Logger log = LoggerFactory.getLogger(FuseConnection.class);
    private static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");

    private FuseConnection() {
    }

    /**
     * Mounts fusectl on /sys/fs/fuse/connections where nothing has (systemd does at boot; a
     * container or a minimal machine may not). Idempotent; false if it is still not there.
     */
    public static boolean mountFusectl() {
        if (MountTable.find(CONNECTIONS).map(m -> m.fsType().equals("fusectl")).orElse(false)) return true;
        try {
            Process p = new ProcessBuilder("mount", "-t", "fusectl", "fusectl", CONNECTIONS.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.isAlive() || p.exitValue() != 0) log.warn("cannot mount fusectl on {}: {}", CONNECTIONS, out);
        } catch (IOException ex) {
            log.warn("cannot mount fusectl on {}: {}", CONNECTIONS, ex.toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return MountTable.find(CONNECTIONS).map(m -> m.fsType().equals("fusectl")).orElse(false);
    }

    /** The connection's control directory for a mount listed in mountinfo (its device minor). */
    static Path controlDir(MountTable.Entry e) {
        String dev = e.device();
        int colon = dev.indexOf(':');
        if (colon < 0 || !dev.substring(0, colon).equals("0")) {
            throw new IllegalArgumentException("not a FUSE device: " + dev);
        }
        return CONNECTIONS.resolve(Integer.toString(Integer.parseInt(dev.substring(colon + 1))));
    }

    /** Aborts the connection of this mount; false (and a log line) if fusectl is not there to do it. */
    public static boolean abort(MountTable.Entry e) {
        Path abort = controlDir(e).resolve("abort");
        if (!Files.exists(abort, LinkOption.NOFOLLOW_LINKS)) mountFusectl();
        if (!Files.exists(abort, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("cannot abort the FUSE connection of {}: {} is missing (fusectl is not mounted)", e.mountPoint(), abort);
            return false;
        }
        try {
            Files.writeString(abort, "1");
            log.info("aborted the FUSE connection of {} ({})", e.mountPoint(), controlDir(e).getFileName());
            return true;
        } catch (IOException ex) {
            log.warn("cannot abort the FUSE connection of {}: {}", e.mountPoint(), ex.toString());
            return false;
        }
    }
}
