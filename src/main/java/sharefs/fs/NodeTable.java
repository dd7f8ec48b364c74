package sharefs.fs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sharefs.backing.NodeCalls;

/**
 * Node id to backing object for the kernel engine. Node 1 is the view root, which has no
 * backing object. Every other node holds an O_PATH descriptor and is keyed by its folder and
 * (st_dev, st_ino): the names of one hard-linked file share a node, and the descriptor keeps the
 * inode alive, so its number cannot be reused under the key while the node lives. Ids are
 * never reused (64 bits do not run out); a node goes when the kernel forgets its last lookup.
 *
 * <p>Why descriptors and not parent+name entries: a rename made anywhere else (another mount
 * of the folder, the libfuse engine, the owner's shell on the storage) would leave a name-based
 * table pointing at the wrong object or at nothing, while a descriptor stays with its inode. The
 * cost is one descriptor per node the kernel caches: each is taken from the mount's account
 * with the agent's descriptor pool, as open files are, and a lookup the pool cannot pay for
 * answers ENFILE rather than take the agent's own descriptors.
 *
 * <p>The kernel forgets nodes only under memory pressure, so a big tree would run the account
 * dry: once the table passes its high-water mark it calls its pressure hook (never waiting on
 * it), for {@link NodePruner} to ask the kernel to drop the least recently used nodes.
 */
final class NodeTable {
    static final long ROOT = 1;
    /** How long a new node past the budget waits for room (see take). */
    private static final long ROOM_WAIT_NANOS = 2_000_000_000L, ROOM_LOOK_NANOS = 20_000_000L;

    record Key(String folderId, long dev, long ino) {
    }

    /** In access order, eldest first: the least recently used nodes are the ones to prune. */
    private final LinkedHashMap<Long, KernelNode> byId = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Key, KernelNode> byKey = new HashMap<>();
    private long next = ROOT + 1;
    /** Nodes with pruneAsked set. */
    private int asked;
    /** See reaskAfter. */
    private long reaskNanos = REASK_NANOS;
    static final long REASK_NANOS = 5_000_000_000L;
    private final DescriptorPool.Account account;
    private final int highWater;
    /** Told (on the caller's thread, so it must only hand off) when a new node passes highWater. */
    private volatile Runnable pressure = () -> { };
    /**
     * Whether a FORGET past the high-water mark calls the pressure hook too: when pruning goes by
     * names, leaves first, a directory becomes a candidate only once its last child is forgotten.
     */
    private volatile boolean pressAfterForget;
    /** Told of every node given out and gone, under this table's lock (so it must not call back). */
    private volatile Holdings holdings = Holdings.NONE;

    /** Who else must know which backing objects this mount's kernel holds (the agent's {@link MountCoherence}). */
    interface Holdings {
        Holdings NONE = new Holdings() {
            @Override
            public void held(KernelNode n) {
            }

            @Override
            public void dropped(KernelNode n) {
            }
        };

        void held(KernelNode n);

        void dropped(KernelNode n);
    }

    NodeTable(DescriptorPool.Account account, int highWater) {
        this.account = account;
        this.highWater = highWater;
    }

    void onPressure(Runnable r) {
        this.pressure = r;
    }

    void pressAfterForget(boolean on) {
        this.pressAfterForget = on;
    }

    /** Before the mount serves its first request. */
    void reportTo(Holdings h) {
        this.holdings = h;
    }

    int highWater() {
        return highWater;
    }

    synchronized KernelNode get(long id) {
        return byId.get(id);
    }

    /**
     * The node of the object fd holds (an O_PATH descriptor this table takes over: kept, or closed
     * when the object already has a node), with one more lookup counted on it, given to the kernel
     * as name in directory node parent (null: the view root; name null: under the name it already
     * has, as for "."); null (fd closed) when a new node's descriptor is more than the mount's
     * account may hold.
     */
    synchronized KernelNode found(String folderId, boolean top, int fd, long dev, long ino, KernelNode parent, byte[] name) {
        Key k = new Key(folderId, dev, ino);
        KernelNode n = byKey.get(k);
        if (n != null) {
            NodeCalls.close(fd);
            byId.get(n.id); // a lookup is a use: to the young end of the access order
        } else if (!take()) {
            NodeCalls.close(fd);
            return null;
        } else {
            n = new KernelNode(next++, folderId, top, fd, k);
            byId.put(n.id, n);
            byKey.put(k, n);
            holdings.held(n);
        }
        n.lookups++;
        if (name != null) name(n, parent, name);
        unask(n);
        if (byId.size() > highWater) pressure.run();
        return n;
    }

    /**
     * One descriptor from the account. Past it, while the table is over its high-water mark (so a
     * prune round can make room), waits a while for the FORGETs that round brings, as a writer
     * outrunning the kernel's answers otherwise would get ENFILE with room about to come. The
     * wait lets go of this table's lock (FORGETs need it), is bounded (if every worker waits
     * here, nobody reads the FORGETs: each then answers ENFILE after it), and looks again at
     * the account every few milliseconds, since open files pay from it too. Not when pruning goes
     * by names: the kernel invalidates a name under its directory's lock, which a request in that
     * directory (this one, a create or a lookup) holds while it waits here.
     */
    private boolean take() {
        if (account.take()) return true;
        if (pressAfterForget) return false;
        long end = System.nanoTime() + ROOM_WAIT_NANOS;
        while (byId.size() > highWater) {
            pressure.run();
            long left = end - System.nanoTime();
            if (left <= 0) return false;
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, ROOM_LOOK_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (account.take()) return true;
        }
        return account.take();
    }

    /** A file or directory handle of node id was opened: the node is in use, not worth pruning. */
    synchronized void opened(long id) {
        KernelNode n = byId.get(id);
        if (n != null) n.opens++;
    }

    /** Whether a file or directory handle of n is open now (without counting as a use of it). */
    synchronized boolean isOpen(KernelNode n) {
        return n.opens > 0;
    }

    /** A handle of node id was released. */
    synchronized void released(long id) {
        KernelNode n = byId.get(id);
        if (n != null && n.opens > 0) n.opens--;
    }

    /** Looked up again (or gone): the kernel holds it anew, so it may be asked to prune it again. */
    private void unask(KernelNode n) {
        if (!n.pruneAsked) return;
        n.pruneAsked = false;
        asked--;
    }

    /**
     * Nodes not asked to be pruned, or asked long enough ago (see reaskAfter): what a prune round
     * may still lower.
     */
    synchronized int unasked() {
        int n = byId.size() - asked;
        if (asked == 0) return n;
        long now = System.nanoTime();
        for (KernelNode k : byId.values()) if (k.pruneAsked && now - k.askedAt >= reaskNanos) n++;
        return n;
    }

    /**
     * How long a node the kernel kept when asked (in use then: a cwd, an open file's inode, a
     * name in a busy directory) waits before it may be asked again; it may well be unused by then,
     * and without asking again it would stay until looked up again (tests shorten it).
     */
    synchronized void reaskAfter(long nanos) {
        this.reaskNanos = nanos;
    }

    /**
     * Up to max ids of the least recently used nodes with no open handle not asked for yet, into ids; how many. The
     * root has no entry here, so it is never among them.
     */
    synchronized int leastRecentlyUsed(long[] ids, int max) {
        int k = 0;
        for (KernelNode n : pick(Math.min(max, ids.length), false)) ids[k++] = n.id;
        return k;
    }

    /**
     * As {@link #leastRecentlyUsed(long[], int)} for invalidating entries: each one's last entry
     * (its parent's id and its name) into parents and names, and only nodes given out by name that
     * no other node's last name is in. A directory's entry invalidated drops every cached entry
     * below it, so a busy directory would take its whole subtree with it: leaves go first, and a
     * directory once its last child has gone.
     */
    synchronized int leastRecentlyUsedLeaves(long[] parents, byte[][] names, int max) {
        int k = 0;
        for (KernelNode n : pick(Math.min(max, Math.min(parents.length, names.length)), true)) {
            parents[k] = n.parentId();
            names[k++] = n.name;
        }
        return k;
    }

    private List<KernelNode> pick(int max, boolean leaves) {
        // Marked as asked, so the next round (before these FORGETs arrive) asks for others.
        List<KernelNode> picked = new ArrayList<>(max);
        Iterator<KernelNode> it = byId.values().iterator();
        long now = System.nanoTime();
        while (picked.size() < max && it.hasNext()) {
            KernelNode n = it.next();
            if (n.opens != 0 || n.pruneAsked && now - n.askedAt < reaskNanos) continue;
            if (leaves && (n.children != 0 || n.name == null)) continue;
            if (!n.pruneAsked) {
                n.pruneAsked = true;
                asked++;
            }
            n.askedAt = now;
            picked.add(n);
        }
        return picked;
    }

    /** n's last entry is now name in parent (null: the view root). */
    private static void name(KernelNode n, KernelNode parent, byte[] name) {
        if (n.parent != parent) {
            if (n.parent != null) n.parent.children--;
            if (parent != null) parent.children++;
            n.parent = parent;
        }
        n.name = name;
    }

    /**
     * This mount renamed the object (folderId, dev, ino) to name in directory node parent: the
     * kernel moved its dentry there, and may never look the new name up.
     */
    synchronized void moved(String folderId, long dev, long ino, KernelNode parent, byte[] name) {
        KernelNode n = byKey.get(new Key(folderId, dev, ino));
        if (n != null) name(n, parent, name);
    }

    /** A folder was renamed to name at the view root: its top's dentry moved there. A scan: folder renames are rare. */
    synchronized void topMoved(String folderId, byte[] name) {
        for (KernelNode n : byId.values()) if (n.top && n.folderId.equals(folderId)) name(n, null, name);
    }

    /** The kernel gives back count lookups; the node goes, and its descriptor is closed, at zero. */
    synchronized void forget(long id, long count) {
        KernelNode n = byId.get(id);
        if (n == null) return;
        n.lookups -= count;
        if (n.lookups > 0) return;
        unask(n);
        name(n, null, null);
        byId.remove(id);
        byKey.remove(n.key);
        holdings.dropped(n);
        NodeCalls.close(n.fd);
        account.give();
        notifyAll();
        // Its directory may be a leaf now, which a round by name can ask for even when no lookup comes.
        if (pressAfterForget && byId.size() > highWater) pressure.run();
    }

    /** The ids of the nodes of one folder (to invalidate after its permission changed). */
    synchronized List<Long> ofFolder(String folderId) {
        List<Long> ids = new ArrayList<>();
        for (KernelNode n : byId.values()) if (n.folderId.equals(folderId)) ids.add(n.id);
        return ids;
    }

    /** The ids of every node (to invalidate broadly when precise notices overflowed). */
    synchronized long[] allIds() {
        long[] ids = new long[byId.size()];
        int i = 0;
        for (long id : byId.keySet()) ids[i++] = id;
        return ids;
    }

    /** Whether a node of this backing object is held now (tests). */
    synchronized boolean holds(String folderId, long dev, long ino) {
        return byKey.containsKey(new Key(folderId, dev, ino));
    }

    synchronized int size() {
        return byId.size();
    }

    /** Closes every descriptor; after unmount. */
    synchronized void closeAll() {
        for (KernelNode n : byId.values()) {
            holdings.dropped(n);
            NodeCalls.close(n.fd);
            account.give();
        }
        byId.clear();
        byKey.clear();
    }
}
