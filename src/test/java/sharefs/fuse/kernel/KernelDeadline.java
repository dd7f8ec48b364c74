package sharefs.fuse.kernel;

import java.time.Duration;

/**
 * A test's deadline over a kernel-engine session: past it, the session's connection is aborted
 * (fusectl), so a syscall stuck on a request never answered returns and the machine is never
 * wedged. Close it when the test is done.
 */
final class KernelDeadline implements AutoCloseable {
    private final Thread watchdog;
    private volatile boolean done;

    private KernelDeadline(Duration limit, Session session) {
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
            System.err.println("test deadline of " + limit + " passed: aborting the FUSE connection " + session.connection());
            session.abort();
        }, "kernel-mount-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static KernelDeadline of(Duration limit, Session session) {
        return new KernelDeadline(limit, session);
    }

    @Override
    public void close() {
        done = true;
        watchdog.interrupt();
    }
}
