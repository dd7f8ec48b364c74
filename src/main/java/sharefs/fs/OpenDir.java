package sharefs.fs;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;

/**
 * A directory opendir opened, listed by readdir from any offset it handed out before. Every
 * entry goes to the filler with a non-zero offset, the position of the entry after it: that puts
 * libfuse 2 in its offset mode, where it keeps one request's worth of entries per handle, not the
 * whole listing.
 */
interface OpenDir extends AutoCloseable {
    /** The folder the directory belongs to; null for the view root. */
    String folderId();

    /** Fills from offset (0: from the start, afresh) until the filler is full or the listing ends; 0 or -errno. */
    int list(Pointer buf, FuseFillDir filler, long offset);

    @Override
    void close();
}
