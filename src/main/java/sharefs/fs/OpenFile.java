package sharefs.fs;

/** A descriptor this mount opened in a backing directory, and the folder it belongs to. */
record OpenFile(int fd, String folderId) {
}
