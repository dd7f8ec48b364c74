package sharefs.fs;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which kernel-engine mounts of one node agent hold a node for which backing object, so that a
 * change made through one mount reaches the caches of every other at once: the changing mount
 * asks here who else holds the directory or file it changed, and queues an INVAL_ENTRY or
 * INVAL_INODE for each of them in that mount's own node ids ({@link MountPeer}).
 *
 * <p>One instance per agent (MountService lends it to every mount with {@link Lent}), never
 * static: two agents in one JVM stand for two machines, which share nothing but the database and
 * the storage. Objects are keyed by (st_dev, st_ino) alone: a node's descriptor keeps its inode
 * alive, so the number cannot be reused while anyone holds it.
 *
 * <p>Updated under each mount's node-table lock when a node is given out or forgotten, so this
 * is a leaf: it never calls out, and it takes no lock of its own beyond the map's.
 */
public final class MountCoherence {
    record Obj(long dev, long ino) {
    }

    /** A mount holding a node of an object (its id is that mount's). */
    record Holder(MountPeer mount, KernelNode node) {
    }

    private static final Holder[] NONE = new Holder[0];

    private final ConcurrentHashMap<Obj, Holder[]> holders = new ConcurrentHashMap<>();
    /** Mounts joined and not yet closed. */
    private final java.util.concurrent.atomic.AtomicInteger members = new java.util.concurrent.atomic.AtomicInteger();

    /** One mount of this agent joins: its kernel's nodes are recorded here from now on. */
    MountPeer join(NodeTable nodes, String mountName, java.util.concurrent.ExecutorService sender) {
        MountPeer p = new MountPeer(this, nodes, mountName, sender);
        nodes.reportTo(p);
        members.incrementAndGet();
        return p;
    }

    /** A mount closed its peer. */
    void left() {
        members.decrementAndGet();
    }

    int members() {
        return members.get();
    }

    void held(MountPeer m, KernelNode n) {
        Holder h = new Holder(m, n);
        holders.compute(new Obj(n.key.dev(), n.key.ino()), (k, hs) -> {
            if (hs == null) return new Holder[] {h};
            Holder[] more = Arrays.copyOf(hs, hs.length + 1);
            more[hs.length] = h;
            return more;
        });
    }

    void dropped(MountPeer m, KernelNode n) {
        holders.computeIfPresent(new Obj(n.key.dev(), n.key.ino()), (k, hs) -> {
            int i = 0;
            while (i < hs.length && !(hs[i].mount() == m && hs[i].node() == n)) i++;
            if (i == hs.length) return hs;
            if (hs.length == 1) return null;
            Holder[] fewer = new Holder[hs.length - 1];
            System.arraycopy(hs, 0, fewer, 0, i);
            System.arraycopy(hs, i + 1, fewer, i, hs.length - i - 1);
            return fewer;
        });
    }

    /** Every mount's node of the object (dev, ino) now, the asking mount's own among them. */
    Holder[] holdersOf(long dev, long ino) {
        Holder[] hs = holders.get(new Obj(dev, ino));
        return hs == null ? NONE : hs;
    }

    /** Objects some mount holds a node of (tests). */
    int objects() {
        return holders.size();
    }
}
