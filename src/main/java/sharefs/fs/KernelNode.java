package sharefs.fs;

/**
 * One node the kernel engine gave out: an O_PATH descriptor of a backing object (never a
 * path), the folder it lies in, and how many lookups the kernel holds on it. The descriptor
 * follows its inode through renames by anyone (this mount, another mount, the other engine),
 * so a node id never goes stale, and an unlinked file still answers fstat while it is open.
 */
final class KernelNode {
    final long id;
    final String folderId;
    /** Whether this is a folder's top directory, which only the folder's owner may chmod or move. */
    final boolean top;
    final int fd;
    final NodeTable.Key key;
    /** Guarded by the table. */
    long lookups;
    /** File and directory handles open on it; guarded by the table. */
    int opens;
    /** The kernel was asked to prune it since its last lookup, last at askedAt (System.nanoTime); guarded by the table. */
    boolean pruneAsked;
    long askedAt;
    /**
     * The directory node (null: the view root) and the name (the request's own bytes, not a copy)
     * under which the kernel last got it: its dentry, for {@link NodePruner} to invalidate on
     * kernels without FUSE_NOTIFY_PRUNE. One name per node: of a hard-linked file's dentries, the
     * last. name null: never given out by name yet. Guarded by the table.
     */
    KernelNode parent;
    byte[] name;
    /**
     * Nodes whose last name is in this directory: while there are any, invalidating this one's
     * entry would drop the kernel's whole cached subtree below it. Guarded by the table.
     */
    int children;

    long parentId() {
        return parent == null ? NodeTable.ROOT : parent.id;
    }

    KernelNode(long id, String folderId, boolean top, int fd, NodeTable.Key key) {
        this.id = id;
        this.folderId = folderId;
        this.top = top;
        this.fd = fd;
        this.key = key;
    }
}
