package sharefs.fs;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The raw libc calls the mount tests make against a live mount, so every refusal is seen as the
 * exact errno a process would get. Paths are NUL-terminated UTF-8 (see {@link Px#c}).
 * Test-only: the product's own binding (sharefs.backing.LibC) is left untouched.
 */
public interface Sys {
    int openat(int dirfd, @In byte[] path, int flags, int mode);
    int close(int fd);
    long pread(int fd, @Out byte[] buf, long count, long offset);
    long pwrite(int fd, @In byte[] buf, long count, long offset);
    int ftruncate(int fd, long length);
    int truncate(@In byte[] path, long length);
    int fallocate(int fd, int mode, long offset, long len);
    int mkdirat(int dirfd, @In byte[] path, int mode);
    int mknodat(int dirfd, @In byte[] path, int mode, long dev);
    int symlinkat(@In byte[] target, int dirfd, @In byte[] linkpath);
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int unlinkat(int dirfd, @In byte[] path, int flags);
    int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);
    int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);
    int setxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);
    long getxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);
    long listxattr(@In byte[] path, @Out byte[] list, long size);
    int removexattr(@In byte[] path, @In byte[] name);
    int statfs(@In byte[] path, @Out byte[] buf);
    int faccessat(int dirfd, @In byte[] path, int mode, int flags);
    int fstatat(int dirfd, @In byte[] path, @Out byte[] statbuf, int flags);
    int fstat(int fd, @Out byte[] statbuf);
    long readlinkat(int dirfd, @In byte[] path, @Out byte[] buf, long size);
    long getdents64(int fd, @Out byte[] buf, long size);
    /** A raw system call, for those whose glibc wrapper does more (setresuid changes every thread). */
    long syscall(long number, long arg1, long arg2, long arg3);
}
