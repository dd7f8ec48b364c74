package sharefs.fs;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.access.Grant;
import sharefs.access.View;
import sharefs.fuse.kernel.Notifier;

/**
 * Tells the kernel what a view change made stale, so the engine can let it cache root entries
 * for long: each root name that went, now names another folder, or changed permission gets
 * INVAL_ENTRY (a kicked-out folder is gone from the next lookup at once), and every node of a
 * folder that left or changed permission gets INVAL_INODE (its mode bits are shown again). The
 * notifications go out on the mount's {@link NoticeThread}: the kernel takes the directory's lock to
 * invalidate, and a change can come from inside a request holding it (`mv` at the root).
 */
final class ViewInvalidator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewInvalidator.class);

    private final NodeTable nodes;
    private final ExecutorService sender;
    private volatile Notifier notifier;
    /** The view as the kernel was last told; touched by the sender thread only. */
    private Map<String, Grant> told = new HashMap<>();

    /** sender: the mount's {@link NoticeThread}, which its owner shuts down. */
    ViewInvalidator(NodeTable nodes, ExecutorService sender) {
        this.nodes = nodes;
        this.sender = sender;
    }

    /** From the mount on: the view as it is now is what the kernel may cache. */
    void attach(Notifier n, View now) {
        sender.execute(() -> told = byName(now));
        this.notifier = n;
    }

    /** The view changed to now: tell the kernel, in the order changes came. */
    void changed(View now) {
        try {
            sender.execute(() -> send(now));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // Unmounted: no kernel left to tell.
        }
    }

    /** Waits until every change handed in so far has been told (tests). */
    boolean drain(long timeoutMillis) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        sender.execute(done::countDown);
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void send(View now) {
        Notifier n = notifier;
        Map<String, Grant> next = byName(now);
        if (n == null) {
            told = next;
            return;
        }
        boolean rootChanged = false;
        for (Map.Entry<String, Grant> e : told.entrySet()) {
            Grant was = e.getValue();
            Grant is = now.get(e.getKey());
            if (is == null || !is.folderId().equals(was.folderId()) || !samePermission(was, is)) {
                report(n.invalEntry(NodeTable.ROOT, e.getKey().getBytes(StandardCharsets.UTF_8)), "entry", e.getKey());
                rootChanged = true;
            }
            Grant byId = now.byId(was.folderId());
            if (byId == null || !samePermission(was, byId)) {
                for (long id : nodes.ofFolder(was.folderId())) report(n.invalInode(id, -1, 0), "node of", e.getKey());
            }
        }
        for (String name : next.keySet()) if (!told.containsKey(name)) rootChanged = true;
        if (rootChanged) report(n.invalInode(NodeTable.ROOT, -1, 0), "root", "");
        told = next;
    }

    private static boolean samePermission(Grant a, Grant b) {
        return a.owner() == b.owner() && a.mayWrite() == b.mayWrite() && a.mayDelete() == b.mayDelete()
                && a.mayRenameFolder() == b.mayRenameFolder();
    }

    /** ENOENT means the kernel had nothing cached there: nothing to do. */
    private static void report(int rc, String what, String name) {
        if (rc != 0 && rc != -sharefs.backing.Errno.ENOENT) {
            log.warn("invalidating the {} '{}' failed: errno {}", what, sharefs.sharing.Names.loggable(name), -rc);
        }
    }

    private static Map<String, Grant> byName(View v) {
        Map<String, Grant> m = new HashMap<>();
        for (Grant g : v.grants()) m.put(g.name(), g);
        return m;
    }

    /** Nothing more is told to the kernel. */
    @Override
    public void close() {
        notifier = null;
    }
}
