package sharefs.backing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The root directory fd, reference counted so that close() never releases the number while a
 * concurrent operation still uses it: a recycled fd number could name an unrelated directory.
 */
final class RootFd {
    private static final long CLOSED = 1;   // low bit; each user adds 2
    private final int fd;
    private final AtomicLong state = new AtomicLong();

    RootFd(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** False once close() has been called; otherwise the fd stays valid until release(). */
    boolean acquire() {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) return false;
            if (state.compareAndSet(s, s + 2)) return true;
        }
    }

    void release() {
        if (state.addAndGet(-2) == CLOSED) closeNow();
    }

    void close() {
        long prev = state.getAndUpdate(s -> s | CLOSED);
        if (prev == 0) closeNow();   // nobody inside; otherwise the last release() closes
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    private void closeNow() {
        Native.libc().close(fd);
    }
}
