package sharefs.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.Errno;

/** Errno values and the fail-closed handler every operation ends with. */
final class Errs {
    static final int EPERM = Errno.EPERM;
    static final int ENOENT = Errno.ENOENT;
    static final int EIO = Errno.EIO;
    static final int EBADF = Errno.EBADF;
    static final int EACCES = Errno.EACCES;
    static final int EBUSY = 16;
    static final int EEXIST = Errno.EEXIST;
    static final int EXDEV = Errno.EXDEV;
    static final int ENOTDIR = Errno.ENOTDIR;
    static final int EISDIR = Errno.EISDIR;
    static final int EINVAL = Errno.EINVAL;
    static final int EROFS = Errno.EROFS;
    static final int ENODATA = Errno.ENODATA;
    static final int EOPNOTSUPP = Errno.EOPNOTSUPP;
    static final int ERANGE = 34;

    private static final Logger log = LoggerFactory.getLogger("sharefs.fs");

    private Errs() {
    }

    /** Anything unexpected denies: log it and answer EIO, never let it reach jnr-ffi. */
    static int fail(String op, String path, Throwable t) {
        try {
            log.error("{} {} failed; denying with EIO", op, path, t);
        } catch (Throwable ignored) {
            // Even logging must not throw into native code.
        }
        return -EIO;
    }
}
