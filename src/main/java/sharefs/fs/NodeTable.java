package sharefs.fs;

import java.util.ArrayList;
import java.util.HashMap;
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
 */
final class NodeTable {
    static final long ROOT = 1;

    record Key(String folderId, long dev, long ino) {
    }

    private final Map<Long, KernelNode> byId = new HashMap<>();
    private final Map<Key, KernelNode> byKey = new HashMap<>();
    private long next = ROOT + 1;
    private final DescriptorPool.Account account;

    NodeTable(DescriptorPool.Account account) {
        this.account = account;
    }

    synchronized KernelNode get(long id) {
        return byId.get(id);
    }

    /**
     * The node of the object fd holds (an O_PATH descriptor this table takes over: kept, or closed
     * when the object already has a node), with one more lookup counted on it; null (fd closed)
     * when a new node's descriptor is more than the mount's account may hold.
     */
    synchronized KernelNode found(String folderId, boolean top, int fd, long dev, long ino) {
        Key k = new Key(folderId, dev, ino);
        KernelNode n = byKey.get(k);
        if (n != null) {
            NodeCalls.close(fd);
        } else if (!account.take()) {
            NodeCalls.close(fd);
            return null;
        } else {
            n = new KernelNode(next++, folderId, top, fd, k);
            byId.put(n.id, n);
            byKey.put(k, n);
        }
        n.lookups++;
        return n;
    }

    /** The kernel gives back count lookups; the node goes, and its descriptor is closed, at zero. */
    synchronized void forget(long id, long count) {
        KernelNode n = byId.get(id);
        if (n == null) return;
        n.lookups -= count;
        if (n.lookups > 0) return;
        byId.remove(id);
        byKey.remove(n.key);
        NodeCalls.close(n.fd);
        account.give();
    }

    /** The ids of the nodes of one folder (to invalidate after its permission changed). */
    synchronized List<Long> ofFolder(String folderId) {
        List<Long> ids = new ArrayList<>();
        for (KernelNode n : byId.values()) if (n.folderId.equals(folderId)) ids.add(n.id);
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
            NodeCalls.close(n.fd);
            account.give();
        }
        byId.clear();
        byKey.clear();
    }
}
