package sharefs.backing;

import static sharefs.backing.Flags.AT_EMPTY_PATH;
import static sharefs.backing.Flags.AT_REMOVEDIR;
import static sharefs.backing.Flags.AT_SYMLINK_NOFOLLOW;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_NOCTTY;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_NONBLOCK;
import static sharefs.backing.Flags.O_PATH;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.S_IFDIR;
import static sharefs.backing.Flags.S_IFLNK;
import static sharefs.backing.Flags.S_IFREG;
import static sharefs.backing.Native.check;
import static sharefs.backing.Native.errno;

import jnr.ffi.Pointer;

/**
 * The backing calls of an inode-based engine: every call names either an entry by one name in a
 * directory held as an O_PATH descriptor, or the object of such a descriptor itself. A name is
 * one component (no "/", not "." or "..", no NUL), given as the caller's bytes, and every call
 * on it is a single *at call with no-follow flags, so no symlink is ever followed and nothing
 * outside the directory can be reached, whatever was renamed or swapped meanwhile. Calls on a
 * descriptor itself go through its /proc/self/fd magic link, which lands on exactly its inode
 * (the pinned-descriptor way of {@link EntryCalls}). Methods return >= 0 or -errno.
 */
public final class NodeCalls {
    private static final LibC LIB = Native.libc();
    private static final byte[] EMPTY = {0};
    private static final byte[] DOT = {'.', 0};
    private static final byte[] DOTDOT = {'.', '.', 0};

    private NodeCalls() {
    }

    /** name as a C string if it is one clean component, else null (the caller answers -EINVAL). */
    public static byte[] component(byte[] name) {
        if (name == null || name.length == 0 || name.length > 255) return null;
        if (name[0] == '.' && (name.length == 1 || name.length == 2 && name[1] == '.')) return null;
        for (byte b : name) if (b == 0 || b == '/') return null;
        return java.util.Arrays.copyOf(name, name.length + 1);
    }

    /** An O_PATH|O_NOFOLLOW descriptor of the entry name in dirFd (a symlink stays itself), or -errno. */
    public static int openPath(int dirFd, byte[] cname) {
        return check(LIB.openat(dirFd, cname, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0));
    }

    /**
     * An O_PATH descriptor of the parent of the directory dirFd. Only for a directory below a
     * folder's root: the caller never asks it of the root, whose parent is outside the folder.
     */
    public static int parentPath(int dirFd) {
        return check(LIB.openat(dirFd, DOTDOT, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0));
    }

    /** A second O_PATH descriptor of the directory dirFd itself. */
    public static int dupPath(int dirFd) {
        return check(LIB.openat(dirFd, DOT, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0));
    }

    /** An O_PATH descriptor of exactly the object fd holds open (through its magic link). */
    public static int pathOf(int fd) {
        return check(LIB.openat(Flags.AT_FDCWD, proc(fd), O_PATH | O_CLOEXEC, 0));
    }

    /** struct stat of the descriptor's object into statbuf. */
    public static int stat(int fd, Pointer statbuf) {
        return check(LIB.fstatat(fd, EMPTY, statbuf, AT_EMPTY_PATH));
    }

    /** struct stat of the entry cname in dirFd itself (a symlink is not followed) into statbuf. */
    public static int statEntry(int dirFd, byte[] cname, Pointer statbuf) {
        return check(LIB.fstatat(dirFd, cname, statbuf, AT_SYMLINK_NOFOLLOW));
    }

    /** st_mode of the descriptor's object, or -errno. */
    public static int mode(int fd) {
        byte[] st = FileOps.statOf(fd);
        return st == null ? -errno() : StatBuf.mode(st);
    }

    /** A directory descriptor to list with {@link DirStream}. */
    public static int openDir(int dirFd) {
        return check(LIB.openat(dirFd, DOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0));
    }

    /**
     * Opens the regular file of an O_PATH descriptor with flags (no O_CREAT): never waits on a
     * FIFO (O_NONBLOCK, cleared again unless asked for) and answers -ESTALE for anything but a
     * regular file, as {@link FolderRoot#openRegular} does.
     */
    public static int reopenRegular(int fd, int flags) {
        int type = FileOps.fileType(fd);
        if (type < 0) return type;
        if (type == S_IFDIR) return -Errno.EISDIR;
        if (type != S_IFREG) return -Errno.ESTALE;
        int all = flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
        int r = LIB.openat(Flags.AT_FDCWD, proc(fd), all, 0);
        if (r < 0) return -errno();
        return FileOps.regularOnly(r, (flags & O_NONBLOCK) != 0);
    }

    /** Creates (or, without O_EXCL, opens) the regular file name in dirFd: fd or -errno. */
    public static int create(int dirFd, byte[] cname, int flags, int mode) {
        int all = flags | Flags.O_CREAT | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC;
        int fd = LIB.openat(dirFd, cname, all, mode);
        if (fd >= 0) return FileOps.regularOnly(fd, (flags & O_NONBLOCK) != 0);
        return -errno();
    }

    public static int mkdir(int dirFd, byte[] cname, int mode) {
        return check(LIB.mkdirat(dirFd, cname, mode));
    }

    public static int mknod(int dirFd, byte[] cname, int mode) {
        return check(LIB.mknodat(dirFd, cname, mode, 0));
    }

    /** A symlink holding target verbatim (no NUL), never resolved here. */
    public static int symlink(byte[] target, int dirFd, byte[] cname) {
        for (byte b : target) if (b == 0) return -Errno.EINVAL;
        return check(LIB.symlinkat(java.util.Arrays.copyOf(target, target.length + 1), dirFd, cname));
    }

    /** A new name in dirFd for the object of fd itself (AT_EMPTY_PATH: a symlink is linked as itself; the daemon is root). */
    public static int link(int fd, int dirFd, byte[] cname) {
        return check(LIB.linkat(fd, EMPTY, dirFd, cname, AT_EMPTY_PATH));
    }

    public static int unlink(int dirFd, byte[] cname) {
        return check(LIB.unlinkat(dirFd, cname, 0));
    }

    public static int rmdir(int dirFd, byte[] cname) {
        return check(LIB.unlinkat(dirFd, cname, AT_REMOVEDIR));
    }

    public static int rename(int fromDir, byte[] from, int toDir, byte[] to, int flags) {
        return check(LIB.renameat2(fromDir, from, toDir, to, flags));
    }

    /** Byte count of a symlink's target written to buf, or -errno (-EINVAL when not a symlink). */
    public static int readlink(int fd, Pointer buf, int size) {
        return check(LIB.readlinkat(fd, EMPTY, buf, size));
    }

    /** chmod of the object itself; -EOPNOTSUPP for a symlink, as natively. */
    public static int chmod(int fd, int mode) {
        int type = FileOps.fileType(fd);
        if (type < 0) return type;
        if (type == S_IFLNK) return -Errno.EOPNOTSUPP;
        return check(LIB.chmod(proc(fd), mode));
    }

    /** chown(-1, -1) of the object itself: changes no owner, updates its ctime. */
    public static int chownToItsOwner(int fd) {
        return check(LIB.fchownat(fd, EMPTY, -1, -1, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
    }

    /** times: {atime_sec, atime_nsec, mtime_sec, mtime_nsec} (UTIME_NOW/OMIT allowed); null: now. */
    public static int utimens(int fd, long[] times) {
        if (times != null && times.length != 4) return -Errno.EINVAL;
        return check(LIB.utimensat(fd, EMPTY, times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
    }

    /** Truncates the regular file of fd, reopened for writing through its pinned inode. */
    public static int truncate(int fd, long size) {
        int type = FileOps.fileType(fd);
        if (type < 0) return type;
        if (type == S_IFDIR) return -Errno.EISDIR;
        if (type == S_IFLNK) return -Errno.ELOOP;
        if (type != S_IFREG) return -Errno.EINVAL;
        int wfd = LIB.openat(Flags.AT_FDCWD, proc(fd), O_WRONLY | O_CLOEXEC, 0);
        if (wfd < 0) return -errno();
        try {
            return check(LIB.ftruncate(wfd, size));
        } finally {
            LIB.close(wfd);
        }
    }

    /** Value size (or needed size when size is 0) or -errno. name: a C string. */
    public static int getxattr(int fd, byte[] cname, Pointer buf, long size) {
        return check(LIB.getxattr(proc(fd), cname, buf, size));
    }

    public static int setxattr(int fd, byte[] cname, Pointer value, long size, int flags) {
        return check(LIB.setxattr(proc(fd), cname, value, size, flags));
    }

    public static int listxattr(int fd, Pointer buf, long size) {
        return check(LIB.listxattr(proc(fd), buf, size));
    }

    public static int removexattr(int fd, byte[] cname) {
        return check(LIB.removexattr(proc(fd), cname));
    }

    public static int statfs(int fd, Pointer statvfs) {
        return check(LIB.fstatvfs(fd, statvfs));
    }

    public static int close(int fd) {
        return check(LIB.close(fd));
    }

    private static byte[] proc(int fd) {
        return LibC.cstr("/proc/self/fd/" + fd);
    }
}
