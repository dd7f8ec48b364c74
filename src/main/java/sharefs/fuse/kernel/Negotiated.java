package sharefs.fuse.kernel;

/**
 * What INIT settled: the protocol minor both sides speak, the flags the kernel offered and
 * those the engine took ({@link InitFlags} bits), and the request limits.
 */
public record Negotiated(int major, int minor, int kernelMinor, long offered, long flags, int maxWrite, int maxPages,
                         int maxReadahead, int maxBackground, int congestionThreshold, int timeGran) {
    public boolean has(long flag) {
        return (flags & flag) == flag;
    }

    /** One line for the log. */
    public String describe() {
        return String.format("FUSE %d.%d (kernel 7.%d): %s; max_pages=%d max_write=%d max_readahead=%d max_background=%d"
                        + " (kernel offered flags=0x%x flags2=0x%x)",
                major, minor, kernelMinor, InitFlags.names(flags), maxPages, maxWrite, maxReadahead, maxBackground,
                offered & 0xffffffffL, offered >>> 32);
    }
}
