package sharefs.fuse.kernel;

/**
 * The errno values the engine itself answers or meets (Linux, identical on x86_64 and aarch64).
 * Handlers return any errno negated; sharefs.backing.Errno names the rest.
 */
final class Errors {
    static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENODEV = 19, EINVAL = 22,
            EBUSY = 16, ERANGE = 34, ENOSYS = 38, ETIME = 62, EPROTO = 71, EOPNOTSUPP = 95, ECONNABORTED = 103,
            ENOTCONN = 107, ECANCELED = 125;

    private Errors() {
    }

    static String describe(int errno) {
        int e = Math.abs(errno);
        jnr.constants.platform.Errno c = jnr.constants.platform.Errno.valueOf(e);
        return (c != null && c.defined() ? c.description() : "error") + " (errno " + e + ")";
    }
}
