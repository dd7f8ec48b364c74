package sharefs.fs;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.Errno;
import sharefs.fuse.kernel.Notifier;

/**
 * Keeps the kernel engine's node table (one descriptor per node) under its budget: past the
 * table's high-water mark, asks the kernel to drop the least recently used nodes without an open
 * handle, down to a quarter of the budget; the kernel's FORGETs then close their descriptors.
 * On FUSE 7.45 and later it asks with FUSE_NOTIFY_PRUNE, by node id. Older kernels (7.31 to
 * 7.44) have no such request: there each node's last entry (parent, name) gets
 * FUSE_NOTIFY_INVAL_ENTRY, the kernel drops that dentry and, the inode then unused, forgets it.
 * Only leaves: a directory's cached entries below would go with its own, so a directory is asked
 * for once no node's last name is in it (as PRUNE leaves a directory with cached children alone).
 * The view root is not in the table; a folder's top is asked for as any directory (its next
 * lookup goes through the view again, which is all ViewInvalidator needs). A name the kernel no
 * longer has answers ENOENT: counted, not logged. A node the kernel keeps (in use when asked, or
 * under a second hard link's name) may be asked for again once NodeTable.REASK_NANOS have passed,
 * or at once when it is looked up again.
 *
 * <p>On the mount's {@link NoticeThread}, so no request waits for the kernel (which takes the
 * parent's inode lock to invalidate, and holds it while a request on that directory is in
 * flight), and a signal while a round is queued adds nothing.
 */
final class NodePruner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodePruner.class);

    /** The two requests a pruner sends: {@link Notifier}'s, each answering 0 or -errno. */
    interface Kernel {
        int prune(long[] ids, int count);

        int invalEntry(long parent, byte[] name);
    }

    private final NodeTable nodes;
    private final int lowWater;
    private final Executor sender;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Kernel kernel;
    private volatile boolean byName;
    /** INVAL_ENTRYs answered ENOENT: the kernel had already let that name go. */
    private final AtomicLong namesGone = new AtomicLong();
    /** INVAL_ENTRYs sent (answered 0 or ENOENT). */
    private final AtomicLong namesAsked = new AtomicLong();

    /** sender: the mount's {@link NoticeThread}, which its owner shuts down. */
    NodePruner(NodeTable nodes, int lowWater, Executor sender) {
        this.nodes = nodes;
        this.lowWater = lowWater;
        this.sender = sender;
        nodes.onPressure(this::signal);
    }

    /** From the mount on; kernelMinor: the FUSE minor the kernel speaks (7.31 or later, older ones are refused). */
    void attach(Notifier n, int kernelMinor) {
        attach(new Kernel() {
            @Override
            public int prune(long[] ids, int count) {
                return n.prune(ids, count);
            }

            @Override
            public int invalEntry(long parent, byte[] name) {
                return n.invalEntry(parent, name);
            }
        }, kernelMinor);
    }

    void attach(Kernel k, int kernelMinor) {
        this.byName = kernelMinor < Notifier.PRUNE_MINOR;
        nodes.pressAfterForget(byName);
        this.kernel = k;
        signal();
    }

    /** Whether nodes are asked for by their entries (no FUSE_NOTIFY_PRUNE): then renames must keep each node's name. */
    boolean byName() {
        return byName;
    }

    /** INVAL_ENTRYs sent so far, and of them answered ENOENT (tests). */
    long namesAsked() {
        return namesAsked.get();
    }

    long namesGone() {
        return namesGone.get();
    }

    /** The table passed its high-water mark; called under its lock, so it only hands off. */
    private void signal() {
        if (kernel == null || !queued.compareAndSet(false, true)) return;
        try {
            sender.execute(this::prune);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            queued.set(false);
        }
    }

    private void prune() {
        queued.set(false);
        try {
            Kernel k = kernel;
            int excess = nodes.unasked() - lowWater;
            if (k == null || excess <= 0) return;
            int max = Math.min(excess, Notifier.PRUNE_BATCH);
            if (byName) {
                pruneByName(k, max);
                return;
            }
            long[] ids = new long[max];
            int count = nodes.leastRecentlyUsed(ids, max);
            int rc = k.prune(ids, count);
            if (rc != 0 && rc != -Errno.ENOENT && rc != -Errno.ENODEV) {
                log.warn("asking the kernel to prune {} nodes failed: errno {}", count, -rc);
            }
        } catch (Throwable t) {
            log.warn("pruning kernel nodes failed", t);
        }
    }

    private void pruneByName(Kernel k, int max) {
        long[] parents = new long[max];
        byte[][] names = new byte[max][];
        int count = nodes.leastRecentlyUsedLeaves(parents, names, max);
        int failed = 0, errno = 0;
        for (int i = 0; i < count; i++) {
            int rc = k.invalEntry(parents[i], names[i]);
            if (rc == -Errno.ENODEV) return;   // unmounted
            if (rc == 0 || rc == -Errno.ENOENT) {
                namesAsked.incrementAndGet();
                if (rc != 0) namesGone.incrementAndGet();
            } else {
                failed++;
                errno = -rc;
            }
        }
        // One line a round, not one per name.
        if (failed > 0) log.warn("asking the kernel to let {} of {} names go failed: errno {}", failed, count, errno);
    }

    /** Nothing more is asked of the kernel. */
    @Override
    public void close() {
        kernel = null;
    }
}
