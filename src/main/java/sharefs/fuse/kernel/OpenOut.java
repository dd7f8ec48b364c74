package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/** struct fuse_open_out: the answer to OPEN, OPENDIR and (after the entry) CREATE. */
public final class OpenOut {
    static final int SIZE = 16;
    /** Bypass the page cache: every read and write reaches the handler, in the caller's context. */
    public static final int FOPEN_DIRECT_IO = 1;
    /** Keep the data cached from earlier opens (only when nothing else can have changed it). */
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    public static final int FOPEN_STREAM = 1 << 4;
    /** No FLUSH on close (7.35). */
    public static final int FOPEN_NOFLUSH = 1 << 5;
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    /** The handle the kernel passes back in READ, WRITE, RELEASE... for this open. */
    public long fh;
    public int flags;

    void clear() {
        fh = 0;
        flags = 0;
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, fh).putInt(at + 8, flags).putInt(at + 12, 0);
    }
}
