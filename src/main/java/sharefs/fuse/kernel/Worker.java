package sharefs.fuse.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop thread of a {@link WorkerPool}: waits for a request, reads it into its own buffer,
 * serves it, and waits for the next, until the connection ends (ENODEV after unmount or abort).
 * EINTR, EAGAIN (another worker took the request) and ENOENT (interrupted before it could be read)
 * are retried. A wait that lasts the idle timeout sends this worker away if another one waits;
 * else it hands its buffer's pages back (the buffer is not in use between requests), and once it
 * is the only worker left with a clean buffer it waits without a timeout. The buffer is freed when the loop ends.
 */
final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** What next() answers when this worker left the pool. */
    private static final int LEFT = Integer.MIN_VALUE;

    private final FuseDevice device;
    private final NativeBuffer buf;
    private final RequestProcessor processor;
    private final WorkerPool pool;
    private final DeviceWaiter waiter;
    /** Whether buf may hold pages since they were last handed back. */
    private boolean touched;

    Worker(FuseDevice device, NativeBuffer buf, RequestProcessor processor, WorkerPool pool) {
        this.device = device;
        this.buf = buf;
        this.processor = processor;
        this.pool = pool;
        this.waiter = DeviceWaiter.on(device);
    }

    @Override
    public void run() {
        boolean retired = false;
        try {
            retired = loop();
        } catch (Throwable t) {
            log.error("a FUSE worker stopped on an unexpected error", t);
        } finally {
            buf.close();
            waiter.close();
            if (!retired) pool.ended();
        }
    }

    /** true when this worker left an idle pool; false when the connection ended or reading failed. */
    private boolean loop() {
        for (;;) {
            int n = next();
            if (n == LEFT) return true;
            if (n >= 0) {
                touched = true;
                processor.process(buf, n);
                continue;
            }
            if (n == -Errors.ENODEV || n == -Errors.ECONNABORTED) {
                log.debug("connection ended ({})", Errors.describe(-n));
                return false;
            }
            log.error("reading /dev/fuse failed: {}; this worker stops", Errors.describe(-n));
            return false;
        }
    }

    /**
     * Waits for the next request and reads it: its length; LEFT when this worker left an idle
     * pool; or -errno of a failure that ends the loop. Counted as waiting all along, so a worker
     * that loses a request to another (EAGAIN) does not make the winner start one more.
     */
    private int next() {
        pool.waiting();
        for (;;) {
            int ready = waiter.await(touched || !pool.alone() ? pool.idleMillis() : -1);
            if (ready == 0) {
                pool.notWaiting();
                if (pool.retire()) return LEFT;
                pool.waiting();
                if (touched && buf.dropPages() == 0) touched = false;
                continue;
            }
            int n = ready > 0 ? device.read(buf) : ready;
            if (n == -Errors.EINTR || n == -Errors.EAGAIN || n == -Errors.ENOENT) continue;
            int others = pool.notWaiting();
            if (n >= 0 && others == 0) pool.grow();
            return n;
        }
    }
}
