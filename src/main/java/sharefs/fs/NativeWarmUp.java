package sharefs.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds what a filesystem's first mount needs from jnr-ffi (a generated class per FUSE callback,
 * the libfuse binding) on a side thread. Started before the database is opened, it makes a mount
 * wait for the slower of the two rather than their sum; on two cores that is a third of a second.
 */
public final class NativeWarmUp {
    private static final Logger log = LoggerFactory.getLogger(NativeWarmUp.class);

    private final Thread thread;

    private NativeWarmUp(Thread thread) {
        this.thread = thread;
    }

    public static NativeWarmUp start() {
        Thread t = new Thread(NativeWarmUp::run, "sharefs-warm-up");
        t.setDaemon(true);
        t.start();
        return new NativeWarmUp(t);
    }

    private static void run() {
        try {
            new SharefsFs(null, null, 0, 0, null);
            JvmThreadLoop.load();
        } catch (Throwable t) {
            log.debug("native warm-up failed (the mount will do it itself): {}", t.toString());
        }
    }

    /** Waits for the warm-up; a failed one is left to the mount, which reports its own error. */
    public void await() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
