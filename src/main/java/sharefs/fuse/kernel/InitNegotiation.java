package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * The answer to INIT, decided from what the kernel offers: the minor both speak, the flags the
 * engine wants that the kernel offers, and the limits. Kernels older than 7.31 are refused
 * (-EPROTO). Never WRITEBACK_CACHE: with it the kernel acknowledges writes the daemon has not
 * yet seen, so a write after a permission downgrade would be accepted and lost later.
 * PASSTHROUGH only when the session asks for it (a mount whose policy is not off): with it the
 * reply names a max_stack_depth, without which the kernel ignores the flag.
 */
final class InitNegotiation {
    static final int MAJOR = 7, MINOR = 45, OLDEST_MINOR = 31;
    /** struct fuse_init_out as of 7.36 (flags2 and the reserved words). */
    static final int OUT_SIZE = 64;
    static final long WANTED = InitFlags.ASYNC_READ | InitFlags.BIG_WRITES | InitFlags.MAX_PAGES
            | InitFlags.PARALLEL_DIROPS | InitFlags.HANDLE_KILLPRIV_V2 | InitFlags.CACHE_SYMLINKS
            | InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO | InitFlags.EXPORT_SUPPORT | InitFlags.INIT_EXT;
    private static final int PAGE = 4096;
    /**
     * The stacking depth this filesystem claims: one, for backing files on a plain filesystem
     * (the kernel refuses BACKING_OPEN with ELOOP for a backing file stacked that deep already,
     * an overlayfs for one), and it leaves room to stack one filesystem on the mount.
     */
    static final int MAX_STACK_DEPTH = 1;

    /** The kernel's INIT as read. */
    record Offer(int major, int minor, int maxReadahead, long flags) {
    }

    /** Either a reply to send (negotiated set, or null when the kernel must send INIT again) or an error. */
    record Outcome(Negotiated negotiated, int errno, String why) {
    }

    private final int maxPages;
    private final int maxBackground;
    private final boolean passthrough;
    private final boolean uring;

    /** maxPages: pages per request the engine's buffers hold (256: 1 MiB). */
    InitNegotiation(int maxPages, int maxBackground) {
        this(maxPages, maxBackground, false);
    }

    /** passthrough: take FUSE_PASSTHROUGH when the kernel offers it. */
    InitNegotiation(int maxPages, int maxBackground, boolean passthrough) {
        this(maxPages, maxBackground, passthrough, false);
    }

    /** uring: take FUSE_OVER_IO_URING when the kernel offers it (the session then registers its ring queues). */
    InitNegotiation(int maxPages, int maxBackground, boolean passthrough, boolean uring) {
        this.maxPages = maxPages;
        this.maxBackground = maxBackground;
        this.passthrough = passthrough;
        this.uring = uring;
    }

    static Offer read(Args a) throws Malformed {
        int major = a.u32(), minor = a.u32(), readahead = a.u32();
        long flags = a.u32() & 0xffffffffL;
        if ((flags & InitFlags.INIT_EXT) != 0 && a.remaining() >= 4) flags |= (a.u32() & 0xffffffffL) << 32;
        return new Offer(major, minor, readahead, flags);
    }

    Outcome decide(Offer k) {
        if (k.major() > MAJOR) return new Outcome(null, 0, "kernel speaks FUSE " + k.major() + ", asking for 7");
        if (k.major() < MAJOR || k.minor() < OLDEST_MINOR) {
            return new Outcome(null, -Errors.EPROTO, "kernel FUSE " + k.major() + "." + k.minor()
                    + " is older than " + MAJOR + "." + OLDEST_MINOR + ", the oldest this engine speaks");
        }
        long flags = (WANTED | (passthrough ? InitFlags.PASSTHROUGH : 0) | (uring ? InitFlags.OVER_IO_URING : 0)) & k.flags();
        int pages = (flags & InitFlags.MAX_PAGES) != 0 ? maxPages : 32;
        int maxWrite = pages * PAGE;
        Negotiated n = new Negotiated(MAJOR, Math.min(k.minor(), MINOR), k.minor(), k.flags(), flags, maxWrite, pages,
                k.maxReadahead(), maxBackground, maxBackground * 3 / 4, 1);
        return new Outcome(n, 0, null);
    }

    /** struct fuse_init_out for n at offset at; for a major-version retry (n null) only major and minor count. */
    static int encode(Negotiated n, ByteBuffer b, int at) {
        for (int i = 0; i < OUT_SIZE; i += 8) b.putLong(at + i, 0);
        b.putInt(at, MAJOR).putInt(at + 4, n == null ? MINOR : n.minor());
        if (n == null) return OUT_SIZE;
        b.putInt(at + 8, n.maxReadahead()).putInt(at + 12, (int) n.flags())
                .putShort(at + 16, (short) n.maxBackground()).putShort(at + 18, (short) n.congestionThreshold())
                .putInt(at + 20, n.maxWrite()).putInt(at + 24, n.timeGran())
                .putShort(at + 28, (short) n.maxPages()).putShort(at + 30, (short) 0)
                .putInt(at + 32, (int) (n.flags() >>> 32))
                .putInt(at + 36, n.has(InitFlags.PASSTHROUGH) ? MAX_STACK_DEPTH : 0);
        return OUT_SIZE;
    }
}
