package sharefs.backing;

import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_PATH;

/**
 * Opens a directory beneath the root without following any symlink, either with openat2
 * (kernel enforced, one syscall) or, where that is unavailable, one no-follow openat per
 * component. Both refuse a symlink anywhere in the path with ELOOP or ENOTDIR.
 */
final class ParentResolver {
    private static final long SYS_OPENAT2 = 437;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
            RESOLVE_BENEATH = 0x08;
    private static final long OPEN_HOW_SIZE = 24;
    private static final int DIR_FLAGS = O_PATH | O_DIRECTORY | O_CLOEXEC;

    private final LibC lib = Native.libc();
    private final boolean openat2;
    /** struct open_how {u64 flags, mode, resolve}; never written after construction. */
    private final long[] how = {DIR_FLAGS, 0,
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};

    /** Probes openat2 on rootFd once; any failure (ENOSYS, or EPERM from a seccomp filter) picks the walk. */
    ParentResolver(int rootFd, boolean forceWalk) {
        boolean ok = false;
        if (!forceWalk && Native.SYSCALL_NUMBERS_KNOWN) {
            long fd = lib.syscall(SYS_OPENAT2, rootFd, LibC.cstr("."), how, OPEN_HOW_SIZE);
            if (fd >= 0) {
                lib.close((int) fd);
                ok = true;
            }
        }
        this.openat2 = ok;
    }

    boolean usesOpenat2() {
        return openat2;
    }

    /**
     * Returns an O_PATH fd of parent beneath rootFd, rootFd itself when parent is "" (the caller
     * must not close that one), or -errno.
     */
    int open(int rootFd, String parent) {
        if (parent.isEmpty()) return rootFd;
        if (openat2) {
            return Native.check(lib.syscall(SYS_OPENAT2, rootFd, LibC.cstr(parent), how, OPEN_HOW_SIZE));
        }
        return walk(rootFd, parent);
    }

    private int walk(int rootFd, String parent) {
        int cur = rootFd;
        int start = 0;
        while (true) {
            int slash = parent.indexOf('/', start);
            String comp = slash < 0 ? parent.substring(start) : parent.substring(start, slash);
            // O_DIRECTORY|O_NOFOLLOW: a symlink component yields ENOTDIR instead of an fd.
            int next = lib.openat(cur, LibC.cstr(comp), DIR_FLAGS | O_NOFOLLOW, 0);
            int err = next < 0 ? -Native.errno() : 0;
            if (cur != rootFd) lib.close(cur);
            if (err != 0) return err;
            cur = next;
            if (slash < 0) return cur;
            start = slash + 1;
        }
    }
}
