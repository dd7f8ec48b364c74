package sharefs.fs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread a kernel-engine mount sends its notifications on: view changes
 * ({@link ViewInvalidator}), prune requests ({@link NodePruner}) and the other mounts' changes
 * ({@link MountPeer}). Never a request's thread, since the kernel takes a directory's lock to
 * invalidate one of its entries and holds it while a request on that directory is in flight.
 * One per mount rather than one per agent: a notice to one mount can wait for its kernel's lock
 * for as long as that mount's request takes (on a hung backing filesystem, for ever), and one
 * agent-wide thread would make every other mount wait behind it.
 */
final class NoticeThread {
    private NoticeThread() {
    }

    /** Started with its first task: a mount that is never told anything costs no thread. */
    static ExecutorService of(String mountName) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sharefs-notify-" + mountName);
            t.setDaemon(true);
            return t;
        });
    }
}
