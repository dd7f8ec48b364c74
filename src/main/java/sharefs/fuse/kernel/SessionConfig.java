package sharefs.fuse.kernel;

import java.time.Duration;

/**
 * How a session runs: workers (threads reading the device, each with a buffer of
 * maxPages * 4096 + 4096 bytes), the request size it offers (maxPages; 256 is 1 MiB), how many
 * background requests (readahead) the kernel may have outstanding, and how long mount waits for
 * the kernel's INIT, and whether to take FUSE_PASSTHROUGH when the kernel offers it.
 */
public record SessionConfig(int workers, int maxPages, int maxBackground, Duration initTimeout, boolean passthrough) {
    public SessionConfig {
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("workers must be 1 to 64: " + workers);
        if (maxPages < 1 || maxPages > 256) throw new IllegalArgumentException("maxPages must be 1 to 256: " + maxPages);
        if (maxBackground < 1 || maxBackground > 0xffff) throw new IllegalArgumentException("maxBackground out of range: " + maxBackground);
    }

    public static SessionConfig defaults() {
        return new SessionConfig(4, 256, 16, Duration.ofSeconds(20), false);
    }

    public SessionConfig withWorkers(int n) {
        return new SessionConfig(n, maxPages, maxBackground, initTimeout, passthrough);
    }

    public SessionConfig withPassthrough(boolean on) {
        return new SessionConfig(workers, maxPages, maxBackground, initTimeout, on);
    }

    int bufferSize() {
        return maxPages * 4096 + 4096;
    }
}
