package sharefs.fuse.kernel;

/**
 * A request the engine refuses without calling a handler: its answer is errno (negated), sent
 * when the unique id could be read (unique != 0). Thrown and caught inside one request's
 * processing; it never leaves the loop, and carries no stack trace (it is not a bug here).
 */
final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    final long unique;
    final int errno;

    Malformed(long unique, int errno, String why) {
        super(why, null, false, false);
        this.unique = unique;
        this.errno = errno;
    }
}
