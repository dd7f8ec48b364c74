package sharefs.fs;

/**
 * Who made one FUSE call, read once from the FUSE context at the start of the operation and
 * passed down, so each check of the call sees the same caller and libfuse is asked only once.
 */
enum Who {
    /** The session's own uid. */
    SESSION,
    /** uid 0, which passes the owner-bit checks, as it would on a native filesystem. */
    ROOT,
    /** Anyone else: refused with EACCES before anything is looked at. */
    STRANGER;

    boolean isRoot() {
        return this == ROOT;
    }
}
