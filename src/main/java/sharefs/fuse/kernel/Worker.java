package sharefs.fuse.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop thread: reads a request into its own buffer, serves it, and reads the next, until
 * the connection ends (ENODEV after unmount or abort). EINTR and ENOENT (the request was
 * interrupted before it could be read) are retried. The buffer is freed when the loop ends.
 */
final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final FuseDevice device;
    private final NativeBuffer buf;
    private final RequestProcessor processor;
    private final Runnable onExit;

    Worker(FuseDevice device, NativeBuffer buf, RequestProcessor processor, Runnable onExit) {
        this.device = device;
        this.buf = buf;
        this.processor = processor;
        this.onExit = onExit;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            log.error("a FUSE worker stopped on an unexpected error", t);
        } finally {
            buf.close();
            onExit.run();
        }
    }

    private void loop() {
        for (;;) {
            int n = device.read(buf);
            if (n >= 0) {
                processor.process(buf, n);
                continue;
            }
            int e = -n;
            if (e == Errors.EINTR || e == Errors.ENOENT || e == Errors.EAGAIN) continue;
            if (e == Errors.ENODEV || e == Errors.ECONNABORTED) {
                log.debug("connection ended ({})", Errors.describe(e));
                return;
            }
            log.error("reading /dev/fuse failed: {}; this worker stops", Errors.describe(e));
            return;
        }
    }
}
