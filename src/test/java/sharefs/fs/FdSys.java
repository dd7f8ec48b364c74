package sharefs.fs;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** The descriptor-level calls the readdir and open tests make that {@link Sys} has not: seeking a directory, fcntl. */
public interface FdSys {
    FdSys S = LibraryLoader.create(FdSys.class).load("c");
    jnr.ffi.Runtime RT = jnr.ffi.Runtime.getRuntime(S);

    int SEEK_SET = 0, F_GETFL = 3;

    int openat(int dirfd, @In byte[] path, int flags, int mode);
    int close(int fd);
    long getdents64(int fd, @Out byte[] buf, long size);
    long lseek(int fd, long offset, int whence);
    int fcntl(int fd, int cmd, int arg);

    static int errno() {
        return RT.getLastError();
    }
}
