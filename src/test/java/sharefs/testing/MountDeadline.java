package sharefs.testing;

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

    private MountDeadline(Duration limit, String what, Runnable abort) {
        watchdog = new Thread(() -> {
            long end = System.nanoTime() + limit.toNanos();
            while (!done && System.nanoTime() < end) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (done) return;
            System.err.println("test deadline of " + limit + " passed: aborting the FUSE connection(s) of " + what);
            abort.run();
        }, "mount-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    public static MountDeadline of(Duration limit, Path... mountPoints) {
        List<Path> mps = List.of(mountPoints);
        return new MountDeadline(limit, mps.toString(), () -> mps.forEach(MountDeadline::abort));
    }

    /** Past the limit, runs abort (e.g. a kernel-engine session's own abort()). */
    public static MountDeadline of(Duration limit, String what, Runnable abort) {
        return new MountDeadline(limit, what, abort);
    }

    /** Aborts the FUSE connection of the mount at mp (fusectl), if it is mounted. */
    public static void abort(Path mp) {
        sharefs.fs.MountTable.find(mp).ifPresent(sharefs.fs.FuseConnection::abort);
    }

    @Override
    public void close() {
        done = true;
        watchdog.interrupt();
    }
}
