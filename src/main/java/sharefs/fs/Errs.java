package sharefs.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.Errno;

/** The fail-closed handler every operation ends with. */
final class Errs {
    private static final Logger log = LoggerFactory.getLogger("sharefs.fs");

    private Errs() {
    }

    /** Anything unexpected denies: log it and answer EIO, never let it reach jnr-ffi. */
    static int fail(String op, String path, Throwable t) {
        try {
            log.error("{} {} failed; denying with EIO", op, sharefs.sharing.Names.loggable(path), t);
        } catch (Throwable ignored) {
            // Even logging must not throw into native code.
        }
        return -Errno.EIO;
    }
}
