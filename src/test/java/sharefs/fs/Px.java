package sharefs.fs;

import static sharefs.backing.Flags.AT_FDCWD;
import static sharefs.backing.Flags.AT_REMOVEDIR;
import static sharefs.backing.Flags.AT_SYMLINK_NOFOLLOW;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_RDONLY;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import sharefs.backing.LibC;

/**
 * Real syscalls on paths, each returning 0 (or a count/fd) on success and the negated errno on
 * failure, read on the calling thread right after the call.
 */
final class Px {
    static final Sys S = LibraryLoader.create(Sys.class).load("c");
    private static final jnr.ffi.Runtime RT = jnr.ffi.Runtime.getRuntime(S);

    static final int EPERM = 1, ENOENT = 2, EIO = 5, EBADF = 9, EACCES = 13, EBUSY = 16, EEXIST = 17,
            EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EROFS = 30, ELOOP = 40, ENODATA = 61,
            EOPNOTSUPP = 95, ENOTCONN = 107;
    static final int R_OK = 4, W_OK = 2, X_OK = 1;
    static final int S_IFIFO = 010000, S_IFCHR = 020000, S_IFMT = 0170000, S_IFDIR = 040000,
            S_IFREG = 0100000, S_IFLNK = 0120000;
    /** struct stat on x86_64 and asm-generic differ in the mode/uid/gid offsets. */
    private static final boolean X86 = jnr.ffi.Platform.getNativePlatform().getCPU() == jnr.ffi.Platform.CPU.X86_64;
    private static final int ST_MODE = X86 ? 24 : 16, ST_UID = X86 ? 28 : 24, ST_GID = X86 ? 32 : 28, ST_SIZE = 48;

    private Px() {
    }

    static byte[] c(Path p) {
        return LibC.cstr(p.toString());
    }

    static byte[] c(String s) {
        return LibC.cstr(s);
    }

    private static int rc(long r) {
        return r < 0 ? -RT.getLastError() : (int) Math.min(r, Integer.MAX_VALUE);
    }

    /** The errno of a result (0 for success): what assertions compare. */
    static int errno(int result) {
        return result < 0 ? -result : 0;
    }

    static int open(Path p, int flags, int mode) {
        return rc(S.openat(AT_FDCWD, c(p), flags | O_CLOEXEC, mode));
    }

    static int close(int fd) {
        return rc(S.close(fd));
    }

    static int pwrite(int fd, String s, long off) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return rc(S.pwrite(fd, b, b.length, off));
    }

    /** Bytes read as a string, or null with the errno in err[0]. */
    static String pread(int fd, int max, long off, int[] err) {
        byte[] b = new byte[max];
        long n = S.pread(fd, b, max, off);
        if (n < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        return new String(b, 0, (int) n, StandardCharsets.UTF_8);
    }

    static String pread(int fd) {
        int[] err = new int[1];
        String s = pread(fd, 65536, 0, err);
        if (s == null) throw new AssertionError("pread failed with errno " + err[0]);
        return s;
    }

    static int ftruncate(int fd, long len) {
        return rc(S.ftruncate(fd, len));
    }

    static int truncate(Path p, long len) {
        return rc(S.truncate(c(p), len));
    }

    static int fallocate(int fd, long off, long len) {
        return rc(S.fallocate(fd, 0, off, len));
    }

    static int mkdir(Path p, int mode) {
        return rc(S.mkdirat(AT_FDCWD, c(p), mode));
    }

    static int mknod(Path p, int mode, long dev) {
        return rc(S.mknodat(AT_FDCWD, c(p), mode, dev));
    }

    static int symlink(String target, Path link) {
        return rc(S.symlinkat(c(target), AT_FDCWD, c(link)));
    }

    static int link(Path from, Path to) {
        return rc(S.linkat(AT_FDCWD, c(from), AT_FDCWD, c(to), 0));
    }

    static int unlink(Path p) {
        return rc(S.unlinkat(AT_FDCWD, c(p), 0));
    }

    static int rmdir(Path p) {
        return rc(S.unlinkat(AT_FDCWD, c(p), AT_REMOVEDIR));
    }

    static int rename(Path from, Path to) {
        return rc(S.renameat2(AT_FDCWD, c(from), AT_FDCWD, c(to), 0));
    }

    static int rename(Path from, Path to, int flags) {
        return rc(S.renameat2(AT_FDCWD, c(from), AT_FDCWD, c(to), flags));
    }

    static int chmod(Path p, int mode) {
        return rc(S.fchmodat(AT_FDCWD, c(p), mode, 0));
    }

    static int chown(Path p, int uid, int gid) {
        return rc(S.fchownat(AT_FDCWD, c(p), uid, gid, AT_SYMLINK_NOFOLLOW));
    }

    static int utimens(Path p, long atimeSec, long mtimeSec) {
        return rc(S.utimensat(AT_FDCWD, c(p), new long[] {atimeSec, 0, mtimeSec, 0}, 0));
    }

    static int setxattr(Path p, String name, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return rc(S.setxattr(c(p), c(name), v, v.length, 0));
    }

    static int removexattr(Path p, String name) {
        return rc(S.removexattr(c(p), c(name)));
    }

    /** The value, or null with errno in err[0]. */
    static String getxattr(Path p, String name, int[] err) {
        byte[] b = new byte[4096];
        long n = S.getxattr(c(p), c(name), b, b.length);
        if (n < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        return new String(b, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** Names, or null with errno in err[0]. */
    static List<String> listxattr(Path p, int[] err) {
        byte[] b = new byte[65536];
        long n = S.listxattr(c(p), b, b.length);
        if (n < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** syscall(2) itself: no glibc wrapper, so it acts on the calling thread alone. */
    static int syscall(long number, long arg1, long arg2, long arg3) {
        return rc(S.syscall(number, arg1, arg2, arg3));
    }

    static int statfs(Path p) {
        return rc(S.statfs(c(p), new byte[512]));
    }

    static int access(Path p, int mode) {
        return rc(S.faccessat(AT_FDCWD, c(p), mode, 0));
    }

    /** lstat: {mode, uid, gid, size}, or null with errno in err[0]. */
    static long[] lstat(Path p, int[] err) {
        byte[] st = new byte[256];
        if (S.fstatat(AT_FDCWD, c(p), st, AT_SYMLINK_NOFOLLOW) < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        return fields(st);
    }

    static int lstatErrno(Path p) {
        int[] err = new int[1];
        return lstat(p, err) == null ? err[0] : 0;
    }

    static long[] lstat(Path p) {
        int[] err = new int[1];
        long[] s = lstat(p, err);
        if (s == null) throw new AssertionError("lstat " + p + " failed with errno " + err[0]);
        return s;
    }

    static long[] fstat(int fd, int[] err) {
        byte[] st = new byte[256];
        if (S.fstat(fd, st) < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        return fields(st);
    }

    private static long[] fields(byte[] st) {
        return new long[] {i32(st, ST_MODE), i32(st, ST_UID) & 0xffffffffL, i32(st, ST_GID) & 0xffffffffL,
                i32(st, ST_SIZE) & 0xffffffffL | ((long) i32(st, ST_SIZE + 4) << 32)};
    }

    private static int i32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Target, or null with errno in err[0]. */
    static String readlink(Path p, int[] err) {
        byte[] b = new byte[4096];
        long n = S.readlinkat(AT_FDCWD, c(p), b, b.length);
        if (n < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        return new String(b, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** Names in a directory (without . and ..), or null with errno in err[0]. */
    static List<String> list(Path dir, int[] err) {
        int fd = S.openat(AT_FDCWD, c(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            err[0] = RT.getLastError();
            return null;
        }
        try {
            List<String> out = new ArrayList<>();
            byte[] buf = new byte[32768];
            for (;;) {
                long n = S.getdents64(fd, buf, buf.length);
                if (n < 0) {
                    err[0] = RT.getLastError();
                    return null;
                }
                if (n == 0) break;
                for (int off = 0; off < n; ) {
                    int reclen = (buf[off + 16] & 0xff) | (buf[off + 17] & 0xff) << 8;
                    int end = off + 19;
                    while (end < off + reclen && buf[end] != 0) end++;
                    String name = new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) out.add(name);
                    off += reclen;
                }
            }
            out.sort(null);
            return out;
        } finally {
            S.close(fd);
        }
    }

    static List<String> list(Path dir) {
        int[] err = new int[1];
        List<String> l = list(dir, err);
        if (l == null) throw new AssertionError("listing " + dir + " failed with errno " + err[0]);
        return l;
    }

    static String name(int errno) {
        if (errno == 0) return "ok";
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e != null && e.defined() ? e.name() : "errno " + errno;
    }
}
