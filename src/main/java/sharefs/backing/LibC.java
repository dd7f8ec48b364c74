package sharefs.backing;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * jnr-ffi bindings to the glibc functions the backing layer needs (glibc 2.33+, Linux 64-bit).
 *
 * <p>Paths are {@code byte[]} holding UTF-8 with a trailing NUL (see {@link #cstr}) so the
 * encoding never depends on the JVM default charset. Every call returns -1 and leaves errno
 * in {@link Native#errno()} on failure. Obtain the instance with {@link Native#libc()}.
 */
public interface LibC {
    int openat(int dirfd, @In byte[] path, int flags, int mode);
    int close(int fd);

    // Generic syscall entries, for calls glibc does not wrap; every argument is passed as a long
    // so no upper half of a register is left undefined.
    /** openat2(dirfd, path, struct open_how *, size). */
    long syscall(long number, long arg1, @In byte[] arg2, @In long[] arg3, long arg4);
    /** fchmodat2(dirfd, path, mode, flags). */
    long syscall(long number, long dirfd, @In byte[] path, long mode, long flags);
    /** getxattrat / setxattrat(dirfd, path, at_flags, name, struct xattr_args *, size). */
    long syscall(long number, long dirfd, @In byte[] path, long atFlags, @In byte[] name, @In long[] args, long size);
    /** listxattrat(dirfd, path, at_flags, list, size). */
    long syscall(long number, long dirfd, @In byte[] path, long atFlags, Pointer list, long size);
    /** removexattrat(dirfd, path, at_flags, name). */
    long syscall(long number, long dirfd, @In byte[] path, long atFlags, @In byte[] name);

    int fstatat(int dirfd, @In byte[] path, Pointer statbuf, int flags);
    int fstatat(int dirfd, @In byte[] path, @Out byte[] statbuf, int flags);
    int fstat(int fd, Pointer statbuf);
    int fstatvfs(int fd, Pointer statvfsbuf);

    int mkdirat(int dirfd, @In byte[] path, int mode);
    int mknodat(int dirfd, @In byte[] path, int mode, long dev);
    int unlinkat(int dirfd, @In byte[] path, int flags);
    int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);
    long readlinkat(int dirfd, @In byte[] path, Pointer buf, long size);

    int chmod(@In byte[] path, int mode);
    /** Sets this process's umask, or with CLONE_FS unshared, this thread's; returns the old one (never fails). */
    int umask(int mask);
    /** unshare(2): a FUSE worker takes a filesystem context (umask, cwd) of its own with CLONE_FS. */
    int unshare(int flags);
    /** owner/group -1 leave them; a successful call still updates ctime. */
    int fchownat(int dirfd, @In byte[] path, int owner, int group, int flags);
    int fchmod(int fd, int mode);
    /** times: {atime_sec, atime_nsec, mtime_sec, mtime_nsec} or null for "now". */
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);
    int futimens(int fd, @In long[] times);
    int ftruncate(int fd, long length);

    // The following-variants are only ever called on "/proc/self/fd/N" of our own O_PATH fd:
    // the magic link lands on exactly that inode (even a symlink) and never re-resolves a name.
    long getxattr(@In byte[] path, @In byte[] name, Pointer value, long size);
    int setxattr(@In byte[] path, @In byte[] name, Pointer value, long size, int flags);
    long listxattr(@In byte[] path, Pointer list, long size);
    int removexattr(@In byte[] path, @In byte[] name);

    long getdents64(int fd, @Out byte[] buf, long size);
    /** On a directory fd, offset is a cookie getdents64 gave as d_off (or 0 for the start). */
    long lseek(int fd, long offset, int whence);
    /** Only the int-argument commands (F_GETFL, F_SETFL). */
    int fcntl(int fd, int cmd, int arg);

    long pread(int fd, Pointer buf, long count, long offset);
    long pwrite(int fd, Pointer buf, long count, long offset);
    int fsync(int fd);
    int fdatasync(int fd);
    int fallocate(int fd, int mode, long offset, long len);
    int flock(int fd, int operation);

    /** UTF-8 bytes of s plus a trailing NUL. Callers reject strings containing NUL first. */
    static byte[] cstr(String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }
}
