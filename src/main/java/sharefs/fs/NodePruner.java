package sharefs.fs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.fuse.kernel.Notifier;

/**
 * Keeps the kernel engine's node table (one descriptor per node) under its budget: past the
 * table's high-water mark, asks the kernel with FUSE_NOTIFY_PRUNE to drop the least recently
 * used nodes without an open handle, down to a quarter of the budget; the kernel's FORGETs then close
 * their descriptors. On the mount's {@link NoticeThread}, so no request waits for the kernel, and a signal
 * while a round is queued adds nothing. Kernels before FUSE 7.45 are never attached: there the
 * table stays as it was, forgotten only under the kernel's memory pressure.
 */
final class NodePruner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodePruner.class);

    private final NodeTable nodes;
    private final int lowWater;
    private final ExecutorService sender;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Notifier notifier;

    /** sender: the mount's {@link NoticeThread}, which its owner shuts down. */
    NodePruner(NodeTable nodes, int lowWater, ExecutorService sender) {
        this.nodes = nodes;
        this.lowWater = lowWater;
        this.sender = sender;
        nodes.onPressure(this::signal);
    }

    /** From the mount on, on a kernel speaking FUSE 7.45 or later. */
    void attach(Notifier n, int kernelMinor) {
        if (kernelMinor < Notifier.PRUNE_MINOR) return;
        this.notifier = n;
        signal();
    }

    /** The table passed its high-water mark; called under its lock, so it only hands off. */
    private void signal() {
        if (notifier == null || !queued.compareAndSet(false, true)) return;
        try {
            sender.execute(this::prune);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            queued.set(false);
        }
    }

    private void prune() {
        queued.set(false);
        try {
            Notifier n = notifier;
            int excess = nodes.unasked() - lowWater;
            if (n == null || excess <= 0) return;
            long[] ids = new long[Math.min(excess, Notifier.PRUNE_BATCH)];
            int k = nodes.leastRecentlyUsed(ids, ids.length);
            int rc = n.prune(ids, k);
            if (rc != 0 && rc != -sharefs.backing.Errno.ENOENT && rc != -sharefs.backing.Errno.ENODEV) {
                log.warn("asking the kernel to prune {} nodes failed: errno {}", k, -rc);
            }
        } catch (Throwable t) {
            log.warn("pruning kernel nodes failed", t);
        }
    }

    /** Nothing more is asked of the kernel. */
    @Override
    public void close() {
        notifier = null;
    }
}
