package sharefs.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.LibC;
import sharefs.backing.Native;

/**
 * A umask of 0 for the calling thread only. The kernel applies the caller's umask to the mode a
 * create, mkdir or mknod request carries, so the daemon must not apply one again (a session's
 * `umask 002; touch f` must give 664, as natively). The node agent keeps 077 for the files it
 * makes itself; umask is per process, so each FUSE worker first takes a filesystem context of
 * its own (unshare(CLONE_FS), which also holds the cwd, unused here) and clears its umask there.
 */
final class ThreadUmask {
    private static final Logger log = LoggerFactory.getLogger(ThreadUmask.class);
    private static final int CLONE_FS = 0x00000200;

    private ThreadUmask() {
    }

    /** Clears this thread's umask; on failure it keeps the process's (stricter, never looser) and says so. */
    static void clearForThisThread() {
        try {
            LibC libc = Native.libc();
            if (libc.unshare(CLONE_FS) != 0) {
                log.warn("cannot give FUSE worker {} a umask of its own (errno {}); new files get the agent's umask",
                        Thread.currentThread().getName(), Native.errno());
                return;
            }
            libc.umask(0);
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot give FUSE worker {} a umask of its own: {}", Thread.currentThread().getName(), e.toString());
        }
    }
}
