package sharefs.backing;

import static sharefs.backing.Errno.EOPNOTSUPP;
import static sharefs.backing.Flags.AT_SYMLINK_NOFOLLOW;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_PATH;
import static sharefs.backing.Flags.S_IFLNK;
import static sharefs.backing.Native.check;
import static sharefs.backing.Native.errno;

import jnr.ffi.Pointer;

/**
 * chmod and the xattr calls on the entry "name" in an open directory, never following a
 * symlink. On Linux 6.6+ (fchmodat2) and 6.13+ (getxattrat and its siblings) each is one
 * syscall with AT_SYMLINK_NOFOLLOW. Older kernels have no no-follow chmod and no xattr call
 * relative to a directory fd, so there the entry is pinned with an O_PATH|O_NOFOLLOW fd and the
 * call goes through that fd's /proc/self/fd magic link, which lands on exactly the pinned inode.
 */
final class EntryCalls {
    private static final long SYS_FCHMODAT2 = 452;
    private static final long SYS_SETXATTRAT = 463, SYS_GETXATTRAT = 464, SYS_LISTXATTRAT = 465,
            SYS_REMOVEXATTRAT = 466;
    /** sizeof(struct xattr_args {u64 value; u32 size; u32 flags;}). */
    private static final long XATTR_ARGS_SIZE = 16;
    /** Flags no kernel accepts: a present syscall answers EINVAL before touching anything. */
    private static final long BAD_FLAGS = 0x7fff0000L;

    /** An operation on an O_PATH fd of the entry itself and its "/proc/self/fd/N" path. */
    interface PinnedOp {
        int apply(int pathFd, byte[] procPath);
    }

    private final LibC lib = Native.libc();
    private final boolean chmodAt;
    private final boolean xattrAt;

    /**
     * Probes both syscall families once on dirFd; anything but EINVAL (ENOSYS on an old kernel,
     * EPERM or ENOSYS from a seccomp filter) picks the pinned-fd way. forceFallback picks it always.
     */
    EntryCalls(int dirFd, boolean forceFallback) {
        boolean known = Native.SYSCALL_NUMBERS_KNOWN;
        byte[] dot = LibC.cstr(".");
        this.chmodAt = !forceFallback && known
                && probe(lib.syscall(SYS_FCHMODAT2, dirFd, dot, 0, BAD_FLAGS));
        this.xattrAt = !forceFallback && known
                && probe(lib.syscall(SYS_GETXATTRAT, dirFd, dot, BAD_FLAGS, LibC.cstr("user.probe"),
                        new long[] {0, 0}, XATTR_ARGS_SIZE));
    }

    private static boolean probe(long rc) {
        return rc < 0 && errno() == Errno.EINVAL;
    }

    boolean usesAtSyscalls() {
        return chmodAt && xattrAt;
    }

    /** Changes the mode of the entry itself; -EOPNOTSUPP for a symlink. */
    int chmod(int dirFd, byte[] name, int mode) {
        if (chmodAt) return check(lib.syscall(SYS_FCHMODAT2, dirFd, name, mode, AT_SYMLINK_NOFOLLOW));
        // The type check and the chmod go through one pinned fd, so a swap between them cannot
        // redirect the chmod.
        return pinned(dirFd, name, (fd, proc) -> {
            int type = FileOps.fileType(fd);
            if (type < 0) return type;
            if (type == S_IFLNK) return -EOPNOTSUPP;
            return check(lib.chmod(proc, mode));
        });
    }

    int getxattr(int dirFd, byte[] name, byte[] attr, Pointer buf, long size) {
        if (xattrAt && direct(buf)) {
            long[] args = {address(buf), clamp(size)};
            return check(lib.syscall(SYS_GETXATTRAT, dirFd, name, AT_SYMLINK_NOFOLLOW, attr, args, XATTR_ARGS_SIZE));
        }
        return pinned(dirFd, name, (fd, proc) -> check(lib.getxattr(proc, attr, buf, size)));
    }

    int setxattr(int dirFd, byte[] name, byte[] attr, Pointer value, long size, int flags) {
        if (xattrAt && direct(value)) {
            // struct xattr_args's size and flags share its second 64-bit word: size in the low half
            // (first in memory on these little-endian CPUs), flags in the high half.
            long[] args = {address(value), clamp(size) | ((long) flags << 32)};
            return check(lib.syscall(SYS_SETXATTRAT, dirFd, name, AT_SYMLINK_NOFOLLOW, attr, args, XATTR_ARGS_SIZE));
        }
        return pinned(dirFd, name, (fd, proc) -> check(lib.setxattr(proc, attr, value, size, flags)));
    }

    int listxattr(int dirFd, byte[] name, Pointer list, long size) {
        if (xattrAt && direct(list)) {
            return check(lib.syscall(SYS_LISTXATTRAT, dirFd, name, AT_SYMLINK_NOFOLLOW, list, size));
        }
        return pinned(dirFd, name, (fd, proc) -> check(lib.listxattr(proc, list, size)));
    }

    int removexattr(int dirFd, byte[] name, byte[] attr) {
        if (xattrAt) return check(lib.syscall(SYS_REMOVEXATTRAT, dirFd, name, AT_SYMLINK_NOFOLLOW, attr));
        return pinned(dirFd, name, (fd, proc) -> check(lib.removexattr(proc, attr)));
    }

    /** Pins the entry itself (a symlink stays a symlink) with an O_PATH|O_NOFOLLOW fd and runs op on it. */
    int pinned(int dirFd, byte[] name, PinnedOp op) {
        int fd = lib.openat(dirFd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) return -errno();
        try {
            return op.apply(fd, LibC.cstr("/proc/self/fd/" + fd));
        } finally {
            lib.close(fd);
        }
    }

    /** The *at calls take a raw address: only native memory (or none at all) can go that way. */
    private static boolean direct(Pointer p) {
        return p == null || p.isDirect();
    }

    private static long address(Pointer p) {
        return p == null ? 0 : p.address();
    }

    /** xattr_args.size is 32 bits; the kernel caps values and lists at 64 KiB anyway. */
    private static long clamp(long size) {
        return Math.max(0, Math.min(size, 0x7fffffffL));
    }
}
