package sharefs.backing;

import static sharefs.backing.Errno.EBADF;
import static sharefs.backing.Errno.EINVAL;
import static sharefs.backing.Errno.EISDIR;
import static sharefs.backing.Errno.ELOOP;
import static sharefs.backing.Flags.AT_FDCWD;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/**
 * All I/O beneath one folder's backing directory. Every path is resolved relative to the root
 * fd without following any symlink, so neither a planted symlink nor a directory swapped for
 * one mid-operation can lead outside the root. Methods return >= 0 or -errno and never throw
 * for OS errors; they are safe to call from many threads at once.
 *
 * <p>Paths ("rel") are "" for the root itself or "a/b/c": no leading slash, no empty, "." or
 * ".." components, no NUL (otherwise -EINVAL).
 */
public final class FolderRoot implements AutoCloseable {
    /** An operation on the last component, given its (already safely opened) parent. */
    private interface AtOp {
        int apply(int dirfd, byte[] name);
    }

    private interface AtOp2 {
        int apply(int fromDirfd, byte[] fromName, int toDirfd, byte[] toName);
    }

    private final LibC lib = Native.libc();
    private final Path path;
    private final RootFd root;
    private final ParentResolver resolver;
    private final EntryCalls entries;
    private final DirCache dirs = new DirCache();

    private FolderRoot(Path path, RootFd root, ParentResolver resolver, EntryCalls entries) {
        this.path = path;
        this.root = root;
        this.resolver = resolver;
        this.entries = entries;
    }

    /** Opens the root directory (O_PATH|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC). */
    public static FolderRoot open(Path dir) throws IOException {
        return open(dir, false);
    }

    /**
     * forceFallbacks: use what kernels before 6.13 offer even where newer calls are available:
     * resolve component by component instead of openat2, and chmod and xattrs through a pinned
     * fd instead of fchmodat2 and getxattrat and its siblings.
     */
    public static FolderRoot open(Path dir, boolean forceFallbacks) throws IOException {
        Path abs = dir.toAbsolutePath();
        String s = abs.toString();
        if (!RelPath.noNul(s)) throw new IOException("folder root path contains NUL: " + abs);
        LibC lib;
        try {
            lib = Native.libc();
        } catch (LinkageError | RuntimeException e) {
            throw new IOException("cannot bind libc for folder root " + abs + ": " + e, e);
        }
        int fd = lib.openat(AT_FDCWD, LibC.cstr(s), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) {
            int e = errno();
            String why = e == Errno.ENOTDIR && Files.isSymbolicLink(abs)
                    ? "it is a symlink, which is refused" : Errno.describe(e);
            throw new IOException("cannot open folder root " + abs + ": " + why);
        }
        try {
            return new FolderRoot(abs, new RootFd(fd), new ParentResolver(fd, forceFallbacks),
                    new EntryCalls(fd, forceFallbacks));
        } catch (RuntimeException | Error e) {
            lib.close(fd);
            throw e;
        }
    }

    /**
     * The root of one folder: the directory {@code name} (a single component, no "/", ".", ".." or
     * NUL) directly beneath this root, opened O_PATH|O_NOFOLLOW relative to this root's
     * descriptor, so nothing between the storage root and the folder can be a symlink or a path
     * someone else chose. It shares this root's choice of resolver.
     */
    public FolderRoot openChild(String name) throws IOException {
        RelPath p = RelPath.parse(name);
        if (p == null || !p.parent.isEmpty()) throw new IOException("not a single path component: '" + name + "'");
        if (!root.acquire()) throw new IOException("the storage root is closed");
        int fd;
        try {
            fd = lib.openat(root.fd(), p.name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        } finally {
            root.release();
        }
        if (fd < 0) throw new IOException("cannot open folder root " + path.resolve(name) + ": " + Errno.describe(errno()));
        try {
            return new FolderRoot(path.resolve(name), new RootFd(fd), new ParentResolver(fd, !resolver.usesOpenat2()),
                    new EntryCalls(fd, !entries.usesAtSyscalls()));
        } catch (RuntimeException | Error e) {
            lib.close(fd);
            throw e;
        }
    }

    /** The root directory as given to open, made absolute. */
    public Path path() {
        return path;
    }

    /** Whether paths are resolved by openat2 (true) or the component walk (false). */
    public boolean usesOpenat2() {
        return resolver.usesOpenat2();
    }

    /** Whether chmod and xattrs are single no-follow *at syscalls (true) or go through a pinned fd. */
    public boolean usesAtSyscalls() {
        return entries.usesAtSyscalls();
    }

    /** Closes the root fd once every in-flight operation is done; later calls return -EBADF. Idempotent. */
    @Override
    public void close() {
        root.close();
        dirs.clear();
    }

    /** How many directory descriptors are cached (for tests). */
    int cachedDirs() {
        return dirs.size();
    }

    /** fstatat(AT_SYMLINK_NOFOLLOW) into statbuf (at least {@link StatBuf#SIZE} bytes). */
    public int stat(String rel, Pointer statbuf) {
        return at(rel, (dfd, name) -> check(lib.fstatat(dfd, name, statbuf, AT_SYMLINK_NOFOLLOW)));
    }

    /** st_mode of the entry (a symlink reports S_IFLNK), or -errno. */
    public int mode(String rel) {
        return at(rel, (dfd, name) -> {
            byte[] st = new byte[StatBuf.SIZE];
            if (lib.fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0) return -errno();
            return StatBuf.mode(st);
        });
    }

    /** openat(parent, name, flags|O_NOFOLLOW|O_CLOEXEC, mode): fd or -errno; a symlink gives -ELOOP. */
    public int open(String rel, int flags, int mode) {
        return at(rel, (dfd, name) -> check(lib.openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode)));
    }

    /**
     * Opens what should be a regular file (open and create of FUSE) without the daemon ever
     * waiting on something else swapped in under its name since the kernel looked it up: with
     * O_NONBLOCK a FIFO's open returns at once (or refuses a writer with ENXIO when it has no
     * reader). Anything not a regular file is closed again and answered with -ESTALE, which makes
     * the caller's kernel look the name up afresh and open a FIFO itself, in the caller. O_NOCTTY
     * keeps a terminal from becoming the daemon's. O_NONBLOCK stays on only if flags asked for it.
     */
    public int openRegular(String rel, int flags, int mode) {
        int all = flags | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC;
        return at(rel, (dfd, name) -> {
            int fd = lib.openat(dfd, name, all, mode);
            if (fd >= 0) return FileOps.regularOnly(fd, (flags & O_NONBLOCK) != 0);
            int e = errno();
            return e == Errno.ENXIO && !isRegular(dfd, name) ? -Errno.ESTALE : -e;
        });
    }

    /**
     * An O_PATH descriptor of the directory rel (not "") beneath this root, reached without
     * following any symlink (-ELOOP/-ENOTDIR where one is in the way); the caller closes it.
     */
    public int openDirPath(String rel) {
        RelPath p = RelPath.parse(rel);
        if (p == null || rel.isEmpty()) return -EINVAL;
        if (!root.acquire()) return -EBADF;
        try {
            return resolver.open(root.fd(), rel);
        } finally {
            root.release();
        }
    }

    /** A new O_PATH descriptor of this root directory itself (for an inode-based engine); the caller closes it. */
    public int openRootPath() {
        if (!root.acquire()) return -EBADF;
        try {
            return NodeCalls.dupPath(root.fd());
        } finally {
            root.release();
        }
    }

    /** A directory fd to list with {@link DirStream}: O_RDONLY|O_DIRECTORY, never through a symlink (-ELOOP/-ENOTDIR). */
    public int openDir(String rel) {
        return at(rel, (dfd, name) -> check(lib.openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)));
    }

    public int mkdir(String rel, int mode) {
        return at(rel, (dfd, name) -> check(lib.mkdirat(dfd, name, mode)));
    }

    public int mknod(String rel, int mode, long dev) {
        return at(rel, (dfd, name) -> check(lib.mknodat(dfd, name, mode, dev)));
    }

    public int unlink(String rel) {
        return at(rel, (dfd, name) -> check(lib.unlinkat(dfd, name, 0)));
    }

    public int rmdir(String rel) {
        int rc = at(rel, (dfd, name) -> check(lib.unlinkat(dfd, name, AT_REMOVEDIR)));
        if (rc == 0) dirs.invalidate(rel);
        return rc;
    }

    /** renameat2; flags 0 or {@link Flags#RENAME_NOREPLACE} (RENAME_EXCHANGE also passes through). */
    public int rename(String from, String to, int flags) {
        int rc = at2(from, to, (fd1, n1, fd2, n2) -> check(lib.renameat2(fd1, n1, fd2, n2, flags)));
        if (rc == 0) {
            // Both names: a directory left "from", and "to" may have replaced (or swapped with) one.
            dirs.invalidate(from);
            dirs.invalidate(to);
        }
        return rc;
    }

    /** linkat without AT_SYMLINK_FOLLOW: a symlink is linked as itself. */
    public int link(String from, String to) {
        return at2(from, to, (fd1, n1, fd2, n2) -> check(lib.linkat(fd1, n1, fd2, n2, 0)));
    }

    /** Creates rel as a symlink whose target is stored verbatim and never resolved by us. */
    public int symlink(String target, String rel) {
        if (!RelPath.noNul(target)) return -EINVAL;
        return symlink(target.getBytes(java.nio.charset.StandardCharsets.UTF_8), rel);
    }

    /** Likewise with the target's bytes (no NUL), whatever they are: a target is not a name of ours. */
    public int symlink(byte[] target, String rel) {
        for (byte b : target) if (b == 0) return -EINVAL;
        byte[] t = java.util.Arrays.copyOf(target, target.length + 1);
        return at(rel, (dfd, name) -> check(lib.symlinkat(t, dfd, name)));
    }

    /** Byte count written to buf (not NUL-terminated) or -errno. */
    public int readlink(String rel, Pointer buf, int size) {
        if (size < 0) return -EINVAL;
        return at(rel, (dfd, name) -> check(lib.readlinkat(dfd, name, buf, size)));
    }

    /** Changes the mode of the entry itself; -EOPNOTSUPP for a symlink. */
    public int chmod(String rel, int mode) {
        return at(rel, (dfd, name) -> entries.chmod(dfd, name, mode));
    }

    /**
     * chown(-1, -1) of the entry itself, never through a symlink: changes no owner, and updates
     * its ctime as a chown to its own owner does natively.
     */
    public int chownToItsOwner(String rel) {
        return at(rel, (dfd, name) -> check(lib.fchownat(dfd, name, -1, -1, AT_SYMLINK_NOFOLLOW)));
    }

    /** times: {atime_sec, atime_nsec, mtime_sec, mtime_nsec} (nsec may be UTIME_NOW/OMIT); null = now. */
    public int utimens(String rel, long[] times) {
        if (times != null && times.length != 4) return -EINVAL;
        return at(rel, (dfd, name) -> check(lib.utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW)));
    }

    /**
     * Truncates a regular file: -EISDIR for a directory, -ELOOP for a symlink, -EINVAL for other
     * types. The file is reopened for writing through the checked O_PATH fd, so device nodes are
     * never opened and a swapped-in symlink is never written through.
     */
    public int truncate(String rel, long size) {
        return at(rel, (dfd, name) -> entries.pinned(dfd, name, (fd, proc) -> {
            int type = FileOps.fileType(fd);
            if (type < 0) return type;
            if (type == S_IFDIR) return -EISDIR;
            if (type == S_IFLNK) return -ELOOP;
            if (type != S_IFREG) return -EINVAL;
            int wfd = lib.openat(AT_FDCWD, proc, O_WRONLY | O_CLOEXEC, 0);
            if (wfd < 0) return -errno();
            try {
                return check(lib.ftruncate(wfd, size));
            } finally {
                lib.close(wfd);
            }
        }));
    }

    /** fstatvfs of the root into a native struct statvfs. */
    public int statfs(Pointer statvfsbuf) {
        if (!root.acquire()) return -EBADF;
        try {
            return check(lib.fstatvfs(root.fd(), statvfsbuf));
        } finally {
            root.release();
        }
    }

    /** Value size (or needed size when size is 0) or -errno; never follows a symlink. */
    public int getxattr(String rel, String name, Pointer buf, long size) {
        if (!RelPath.noNul(name)) return -EINVAL;
        byte[] n = LibC.cstr(name);
        return at(rel, (dfd, entry) -> entries.getxattr(dfd, entry, n, buf, size));
    }

    public int setxattr(String rel, String name, Pointer value, long size, int flags) {
        if (!RelPath.noNul(name)) return -EINVAL;
        byte[] n = LibC.cstr(name);
        return at(rel, (dfd, entry) -> entries.setxattr(dfd, entry, n, value, size, flags));
    }

    /** NUL-separated names into buf (or needed size when size is 0) or -errno. */
    public int listxattr(String rel, Pointer buf, long size) {
        return at(rel, (dfd, entry) -> entries.listxattr(dfd, entry, buf, size));
    }

    public int removexattr(String rel, String name) {
        if (!RelPath.noNul(name)) return -EINVAL;
        byte[] n = LibC.cstr(name);
        return at(rel, (dfd, entry) -> entries.removexattr(dfd, entry, n));
    }

    @Override
    public String toString() {
        return "FolderRoot[" + path + (usesOpenat2() ? ", openat2" : ", walk")
                + (root.isClosed() ? ", closed]" : "]");
    }

    // --- resolution -------------------------------------------------------------------------

    private int at(String rel, AtOp op) {
        RelPath p = RelPath.parse(rel);
        if (p == null) return -EINVAL;
        if (!root.acquire()) return -EBADF;
        try {
            return atParent(p, op);
        } finally {
            root.release();
        }
    }

    private int at2(String from, String to, AtOp2 op) {
        RelPath f = RelPath.parse(from);
        RelPath t = RelPath.parse(to);
        if (f == null || t == null) return -EINVAL;
        if (!root.acquire()) return -EBADF;
        try {
            return atParent(f, (fd1, n1) -> atParent(t, (fd2, n2) -> op.apply(fd1, n1, fd2, n2)));
        } finally {
            root.release();
        }
    }

    /** Caller holds a root reference. */
    private int atParent(RelPath p, AtOp op) {
        int rootFd = root.fd();
        if (p.parent.isEmpty()) return op.apply(rootFd, p.name);
        RootFd cached = dirs.acquire(p.parent);
        if (cached != null) {
            int rc;
            boolean removed;
            try {
                rc = op.apply(cached.fd(), p.name);
                // Nothing happens on ENOENT, so the op may run again: in a directory that another
                // mount removed (and perhaps made again) since it was cached, against the new one.
                removed = rc == -Errno.ENOENT && isRemoved(cached.fd());
            } finally {
                cached.release();
            }
            if (!removed) return rc;
            dirs.invalidate(p.parent);
        }
        int dfd = resolver.open(rootFd, p.parent);
        if (dfd < 0) return dfd;
        RootFd fresh = dirs.offer(p.parent, dfd);
        try {
            return op.apply(fresh.fd(), p.name);
        } finally {
            fresh.release();
            // A close() that raced this offer must not leave the descriptor cached.
            if (root.isClosed()) dirs.clear();
        }
    }

    private boolean isRegular(int dirFd, byte[] name) {
        byte[] st = new byte[StatBuf.SIZE];
        return lib.fstatat(dirFd, name, st, AT_SYMLINK_NOFOLLOW) == 0 && (StatBuf.mode(st) & Flags.S_IFMT) == S_IFREG;
    }

    /** Whether a directory fd names a directory that has been removed (no links left). */
    private boolean isRemoved(int dirFd) {
        byte[] st = FileOps.statOf(dirFd);
        return st != null && StatBuf.nlink(st) == 0;
    }
}
