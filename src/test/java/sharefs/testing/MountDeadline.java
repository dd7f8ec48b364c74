package sharefs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A test's deadline over its FUSE mounts: past it, every listed mount's connection is aborted
 * (fusectl), so a syscall stuck on a request the daemon never answers returns and the machine is
 * never wedged. Close it when the test is done.
 */
public final class MountDeadline implements AutoCloseable {
    private final Thread watchdog;
    private volatile boolean done;

    private MountDeadline(Duration limit, List<Path> mountPoints) {
        watchdog = new Thread(() -> {
            long end = System.nanoTime() + limit.toNanos();
            while (!done && System.nanoTime() < end) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (done) return;
            System.err.println("test deadline of " + limit + " passed: aborting the FUSE connections of " + mountPoints);
            for (Path mp : mountPoints) abort(mp);
        }, "mount-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    public static MountDeadline of(Duration limit, Path... mountPoints) {
        return new MountDeadline(limit, List.of(mountPoints));
    }

    /** Writes 1 to /sys/fs/fuse/connections/N/abort for the mount at mp, if it is mounted. */
    public static void abort(Path mp) {
        Path want = mp.toAbsolutePath().normalize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && Path.of(unescape(f[4])).equals(want)) {
                    Path abort = Path.of("/sys/fs/fuse/connections", f[2].substring(f[2].indexOf(':') + 1), "abort");
                    if (Files.exists(abort)) Files.writeString(abort, "1");
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot abort the FUSE connection of " + mp + ": " + e);
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        done = true;
        watchdog.interrupt();
    }
}
