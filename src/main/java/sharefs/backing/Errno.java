package sharefs.backing;

/** Linux errno values (identical on x86_64 and aarch64). Results are returned negated. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9,
            EAGAIN = 11, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19,
            ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, ENOSPC = 28, EROFS = 30, ERANGE = 34,
            ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61,
            EILSEQ = 84, EOPNOTSUPP = 95, ESTALE = 116;

    private Errno() {}

    /** Human readable text for an errno (sign ignored), for log and exception messages. */
    public static String describe(int errno) {
        int e = Math.abs(errno);
        jnr.constants.platform.Errno c = jnr.constants.platform.Errno.valueOf(e);
        String text = c != null && c.defined() ? c.description() : "error";
        return text + " (errno " + e + ")";
    }
}
