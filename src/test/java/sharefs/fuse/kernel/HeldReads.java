package sharefs.fuse.kernel;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MemoryFs whose first reads are held in the handler: each says it arrived ({@link #inside})
 * and waits for {@link #release} (a minute at most, so a test that fails never leaves a worker
 * behind), then answers the bytes, or EIO when asked to (a request nobody will answer well).
 * Reads past the held ones are answered at once.
 */
class HeldReads extends MemoryFs {
    final Semaphore inside = new Semaphore(0);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger toHold;
    private final boolean failHeld;

    /** holds: how many reads to hold (Integer.MAX_VALUE: every one); failHeld: a held read answers EIO. */
    HeldReads(int holds, boolean failHeld) {
        this.toHold = new AtomicInteger(holds);
        this.failHeld = failHeld;
    }

    @Override
    public int read(Request r, long node, long fh, long offset, int size, ByteBuffer into) {
        if (toHold.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) return super.read(r, node, fh, offset, size, into);
        inside.release();
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failHeld ? -Errors.EIO : super.read(r, node, fh, offset, size, into);
    }
}
