package sharefs.backing;

import jnr.ffi.Pointer;

/** Operations on an fd returned by {@link FolderRoot#open}. All return >= 0 or -errno. */
public final class FileOps {
    private static final LibC LIB = Native.libc();

    private FileOps() {}

    public static int pread(int fd, Pointer buf, long size, long offset) {
        for (;;) {
            long n = LIB.pread(fd, buf, size, offset);
            if (n >= 0) return (int) Math.min(n, Integer.MAX_VALUE);
            int e = Native.errno();
            if (e != Errno.EINTR) return -e;
        }
    }

    public static int pwrite(int fd, Pointer buf, long size, long offset) {
        for (;;) {
            long n = LIB.pwrite(fd, buf, size, offset);
            if (n >= 0) return (int) Math.min(n, Integer.MAX_VALUE);
            int e = Native.errno();
            if (e != Errno.EINTR) return -e;
        }
    }

    public static int ftruncate(int fd, long size) {
        return Native.check(LIB.ftruncate(fd, size));
    }

    public static int fsync(int fd, boolean dataOnly) {
        return Native.check(dataOnly ? LIB.fdatasync(fd) : LIB.fsync(fd));
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        return Native.check(LIB.fallocate(fd, mode, offset, length));
    }

    /** Writes the native struct stat (see {@link StatBuf}) into statbuf. */
    public static int fstat(int fd, Pointer statbuf) {
        return Native.check(LIB.fstat(fd, statbuf));
    }

    /** The struct stat of an fd itself (O_PATH fds too) in a Java array; null with errno set if that fails. */
    static byte[] statOf(int fd) {
        byte[] st = new byte[StatBuf.SIZE];
        return LIB.fstatat(fd, new byte[1], st, Flags.AT_EMPTY_PATH) < 0 ? null : st;
    }

    /** The S_IFMT bits of an fd (O_PATH fds too), or -errno. */
    static int fileType(int fd) {
        byte[] st = statOf(fd);
        return st == null ? -Native.errno() : StatBuf.mode(st) & Flags.S_IFMT;
    }

    /**
     * fd if it is a regular file, with O_NONBLOCK cleared unless keepNonblock; otherwise fd is
     * closed and the answer is -ESTALE (or -errno if it could not be checked).
     */
    static int regularOnly(int fd, boolean keepNonblock) {
        boolean keep = false;
        try {
            int type = fileType(fd);
            if (type < 0) return type;
            if (type != Flags.S_IFREG) return -Errno.ESTALE;
            if (!keepNonblock) {
                int fl = LIB.fcntl(fd, Flags.F_GETFL, 0);
                if (fl < 0 || LIB.fcntl(fd, Flags.F_SETFL, fl & ~Flags.O_NONBLOCK) < 0) return -Native.errno();
            }
            keep = true;
            return fd;
        } finally {
            if (!keep) LIB.close(fd);
        }
    }

    /** times: {atime_sec, atime_nsec, mtime_sec, mtime_nsec} (nsec may be UTIME_NOW/OMIT), or null for now. */
    public static int futimens(int fd, long[] times) {
        if (times != null && times.length != 4) return -Errno.EINVAL;
        return Native.check(LIB.futimens(fd, times));
    }

    public static int fchmod(int fd, int mode) {
        return Native.check(LIB.fchmod(fd, mode));
    }

    /** Not retried on EINTR: on Linux the fd is released even then. */
    public static int close(int fd) {
        return Native.check(LIB.close(fd));
    }

    public static int flock(int fd, int op) {
        return Native.check(LIB.flock(fd, op));
    }
}
