package sharefs.fs;

/**
 * A descriptor this mount opened in a backing directory, the folder it belongs to, whether the
 * kernel engine answered it with the node's backing file (see IoModes): its RELEASE gives that
 * back, and whether it was open for writing passthrough: its writes never reached the daemon, so
 * its RELEASE is when the other mounts hear of them.
 */
record OpenFile(int fd, String folderId, boolean uncached, boolean unseenWrites) {
    OpenFile(int fd, String folderId) {
        this(fd, folderId, false, false);
    }

    /** An open answered with choice; writable: opened for writing. */
    static OpenFile of(int fd, String folderId, IoModes.Choice choice, boolean writable) {
        return new OpenFile(fd, folderId, choice.uncached(), writable && choice.passthrough());
    }
}
