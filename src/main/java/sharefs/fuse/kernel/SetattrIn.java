package sharefs.fuse.kernel;

/**
 * struct fuse_setattr_in: which attributes to change ({@link #valid} bits) and their values.
 * fh is the open handle when {@link #hasFh()} (ftruncate, fchmod, futimens on an open file).
 */
public record SetattrIn(int valid, long fh, long size, long lockOwner, long atime, int atimeNsec,
                        long mtime, int mtimeNsec, long ctime, int ctimeNsec, int mode, int uid, int gid) {
    public static final int FATTR_MODE = 1, FATTR_UID = 1 << 1, FATTR_GID = 1 << 2, FATTR_SIZE = 1 << 3,
            FATTR_ATIME = 1 << 4, FATTR_MTIME = 1 << 5, FATTR_FH = 1 << 6, FATTR_ATIME_NOW = 1 << 7,
            FATTR_MTIME_NOW = 1 << 8, FATTR_LOCKOWNER = 1 << 9, FATTR_CTIME = 1 << 10,
            FATTR_KILL_SUIDGID = 1 << 11;

    public boolean has(int bit) {
        return (valid & bit) != 0;
    }

    public boolean hasFh() {
        return has(FATTR_FH);
    }
}
