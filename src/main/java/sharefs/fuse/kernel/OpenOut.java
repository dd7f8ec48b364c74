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
    /**
     * Reads, writes and mmap go to the backing file named by backingId, never to the daemon
     * (7.40, with FUSE_PASSTHROUGH negotiated). With FOPEN_DIRECT_IO too, reads and writes come
     * to the daemon again and only mmap goes to the backing file: the way to open an inode that
     * is already open passthrough (the kernel refuses any other open of it then).
     */
    public static final int FOPEN_PASSTHROUGH = 1 << 7;

    /** The handle the kernel passes back in READ, WRITE, RELEASE... for this open. */
    public long fh;
    public int flags;
    /** With FOPEN_PASSTHROUGH: an id from {@link BackingFiles#open}, alive until the kernel has taken it. */
    public int backingId;

    void clear() {
        fh = 0;
        flags = 0;
        backingId = 0;
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, fh).putInt(at + 8, flags).putInt(at + 12, (flags & FOPEN_PASSTHROUGH) != 0 ? backingId : 0);
    }
}
