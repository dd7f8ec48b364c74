package sharefs.fuse.kernel;

import java.time.Duration;

/**
 * How a session runs: at most workers threads reading the device, each with a buffer of
 * maxPages * 4096 + 4096 bytes (see {@link WorkerPool}: one to start with, more under load, and
 * idleTimeout without a request sends a surplus one away and the last one's buffer pages back),
 * the request size it offers (maxPages; 256 is 1 MiB), how many background requests (readahead)
 * the kernel may have outstanding, how long mount waits for the kernel's INIT, whether to
 * take FUSE_PASSTHROUGH when the kernel offers it, and whether to serve requests through
 * FUSE over io_uring (one {@link RingQueue} per CPU) when the kernel offers that.
 */
public record SessionConfig(int workers, int maxPages, int maxBackground, Duration initTimeout, Duration idleTimeout,
                            boolean passthrough, boolean uring) {
    public SessionConfig {
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("workers must be 1 to 64: " + workers);
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout out of range: " + idleTimeout);
        }
        if (maxPages < 1 || maxPages > 256) throw new IllegalArgumentException("maxPages must be 1 to 256: " + maxPages);
        if (maxBackground < 1 || maxBackground > 0xffff) throw new IllegalArgumentException("maxBackground out of range: " + maxBackground);
    }

    public static SessionConfig defaults() {
        return new SessionConfig(4, 256, 16, Duration.ofSeconds(20), Duration.ofSeconds(2), false, false);
    }

    public SessionConfig withWorkers(int n) {
        return new SessionConfig(n, maxPages, maxBackground, initTimeout, idleTimeout, passthrough, uring);
    }

    public SessionConfig withIdleTimeout(Duration d) {
        return new SessionConfig(workers, maxPages, maxBackground, initTimeout, d, passthrough, uring);
    }

    public SessionConfig withPassthrough(boolean on) {
        return new SessionConfig(workers, maxPages, maxBackground, initTimeout, idleTimeout, on, uring);
    }

    public SessionConfig withUring(boolean on) {
        return new SessionConfig(workers, maxPages, maxBackground, initTimeout, idleTimeout, passthrough, on);
    }

    int bufferSize() {
        return maxPages * 4096 + 4096;
    }

    /** The payload a ring entry must hold: the kernel's max_payload_sz, max(8 KiB, max_write, max_pages pages). */
    int ringPayloadSize() {
        return Math.max(8192, maxPages * 4096);
    }
}
