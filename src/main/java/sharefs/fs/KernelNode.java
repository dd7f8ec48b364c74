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
    /** The kernel was asked to prune it since its last lookup; guarded by the table. */
    boolean pruneAsked;

    KernelNode(long id, String folderId, boolean top, int fd, NodeTable.Key key) {
        this.id = id;
        this.folderId = folderId;
        this.top = top;
        this.fd = fd;
        this.key = key;
    }
}
