package sharefs.fs;

/**
 * A descriptor this mount opened in a backing directory, the folder it belongs to, and whether
 * the kernel engine answered it with the node's backing file (see IoModes): its RELEASE gives
 * that back.
 */
record OpenFile(int fd, String folderId, boolean uncached) {
    OpenFile(int fd, String folderId) {
        this(fd, folderId, false);
    }
}
