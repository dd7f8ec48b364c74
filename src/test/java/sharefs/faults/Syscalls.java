package sharefs.faults;

import static sharefs.backing.Flags.AT_FDCWD;
import static sharefs.backing.Flags.O_CLOEXEC;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import sharefs.backing.LibC;

/**
 * The few calls the fault tests make through a mount as raw syscalls, so a refusal is seen as
 * the exact errno a process gets (Java folds most errnos into one IOException). Each returns 0
 * or a descriptor, or the negated errno read on the calling thread right after the call.
 * Test-only: the product's own binding is left out of what it measures.
 */
final class Syscalls {
    /** The libc entries used here. */
    public interface C {
        int openat(int dirfd, @In byte[] path, int flags, int mode);

        int close(int fd);

        int mkdirat(int dirfd, @In byte[] path, int mode);

        int unlinkat(int dirfd, @In byte[] path, int flags);
    }

    private static final C LIBC = LibraryLoader.create(C.class).load("c");
    private static final jnr.ffi.Runtime RT = jnr.ffi.Runtime.getRuntime(LIBC);

    private Syscalls() {
    }

    private static int rc(int r) {
        return r < 0 ? -RT.getLastError() : r;
    }

    /** open(2) with these flags (and mode 0644 for a create), closing what it opened: 0 or -errno. */
    static int openClose(Path p, int flags) {
        int fd = rc(LIBC.openat(AT_FDCWD, LibC.cstr(p.toString()), flags | O_CLOEXEC, 0644));
        if (fd < 0) return fd;
        LIBC.close(fd);
        return 0;
    }

    static int mkdir(Path p) {
        return rc(LIBC.mkdirat(AT_FDCWD, LibC.cstr(p.toString()), 0755));
    }

    static int unlink(Path p) {
        return rc(LIBC.unlinkat(AT_FDCWD, LibC.cstr(p.toString()), 0));
    }

    /** What a result means, for assertions that read well: "ok", or the errno's name ("EROFS"). */
    static String outcome(int rc) {
        return rc >= 0 ? "ok" : jnr.constants.platform.Errno.valueOf(-rc).name();
    }
}
