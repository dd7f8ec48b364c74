package sharefs.fuse.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FUSE filesystem served on the kernel protocol: the mount, the worker threads reading
 * /dev/fuse, and the handler they call. {@link #mount} returns once INIT is negotiated, so the
 * mount answers at once. The workers end when the connection does: after {@link #unmount} (once
 * no file in the mount is open any more) or {@link #abort}; the device and the buffers are
 * released by the last of them.
 */
public final class Session implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final KernelMount mount;
    private final FuseDevice device;
    private final Notifier notifier;
    private final CountDownLatch ended;
    private final List<Thread> threads = new ArrayList<>();
    private volatile Negotiated negotiated;
    /** Whether the workers run (they release the device and buffers when they end). */
    private boolean started;

    private Session(KernelMount mount, FuseDevice device, int workers) {
        this.mount = mount;
        this.device = device;
        this.notifier = new Notifier(device);
        this.ended = new CountDownLatch(workers);
    }

    /** Mounts handler on mountPoint and serves it; throws FuseException with one line if it cannot. */
    public static Session mount(Path mountPoint, FuseHandler handler, SessionConfig config) {
        if (com.kenai.jffi.Platform.getPlatform().addressSize() != 64) throw FuseException.unsupported("the kernel FUSE engine needs a 64-bit JVM");
        FuseDevice device = FuseDevice.open();
        KernelMount mount;
        try {
            mount = KernelMount.mount(mountPoint, device);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        Session s;
        try {
            s = new Session(mount, device, config.workers());
        } catch (RuntimeException e) {
            mount.abort();
            mount.unmount();
            mount.close();
            device.close();
            throw e;
        }
        Handshake handshake = new Handshake(new InitNegotiation(config.maxPages(), config.maxBackground()));
        try {
            s.start(handler, config, handshake);
            s.negotiated = handshake.result().get(config.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return s;
        } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            s.abort();
            s.close();
            if (!s.started) {
                s.notifier.close();
                device.close();
            }
            String why = e instanceof TimeoutException ? "the kernel's INIT was not answered within " + config.initTimeout()
                    : e instanceof ExecutionException && e.getCause() != null ? e.getCause().getMessage() : e.toString();
            // A refusal of the kernel's version keeps its kind, so the agent can fall back to libfuse2.
            throw new FuseException("mount of " + mountPoint + " failed: " + why, e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    private void start(FuseHandler handler, SessionConfig config, Handshake handshake) {
        Interrupts interrupts = new Interrupts();
        int size = config.bufferSize();
        RequestDecoder decoder = new RequestDecoder(size - 16);
        AtomicInteger left = new AtomicInteger(config.workers());
        Runnable onExit = () -> {
            ended.countDown();
            if (left.decrementAndGet() == 0) {
                notifier.close();
                device.close();
                log.info("FUSE session on {} ended", mount.path());
            }
        };
        for (int i = 0; i < config.workers(); i++) {
            NativeBuffer buf = NativeBuffer.allocate(size);
            RequestProcessor p = new RequestProcessor(decoder, new Dispatcher(handler, interrupts, handshake, size),
                    interrupts, handshake, device);
            Thread t = new Thread(new Worker(device, buf, p, onExit), "fuse-" + mount.path().getFileName() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        started = true;
    }

    public Negotiated negotiated() {
        return negotiated;
    }

    public Notifier notifier() {
        return notifier;
    }

    /** The fusectl connection number (device minor) of the mount, -1 if unknown. */
    public int connection() {
        return mount.connection();
    }

    /** Detaches the mount; the workers end once nothing in it is open. 0 or -errno. */
    public int unmount() {
        int rc = mount.unmount();
        if (rc != 0) log.warn("unmount of {} failed: {}", mount.path(), Errors.describe(rc));
        return rc;
    }

    /** Ends the connection now: hung requests fail with ENOTCONN, the workers end. 0 or -errno. */
    public int abort() {
        int rc = mount.abort();
        if (rc != 0) log.warn("abort of the FUSE connection of {} failed: {}", mount.path(), Errors.describe(rc));
        else log.info("aborted the FUSE connection of {}", mount.path());
        return rc;
    }

    /** Whether every worker has ended within timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean ended() {
        return ended.getCount() == 0;
    }

    /** The worker threads (for tests and status). */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /**
     * Releases the mountpoint's descriptor without unmounting: for a mount someone else already
     * unmounted (fusermount -u, umount), whose workers have ended or are ending. Idempotent.
     */
    public void release() {
        mount.close();
    }

    /**
     * Unmounts and waits a while for the workers; a mount still busy (detached, with files open)
     * keeps serving until its files close. Idempotent.
     */
    @Override
    public void close() {
        unmount();
        try {
            if (!awaitEnd(CLOSE_WAIT)) log.warn("{} is still busy; its connection ends when its files are closed", mount.path());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            mount.close();
        }
    }
}
