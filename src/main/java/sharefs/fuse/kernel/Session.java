package sharefs.fuse.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final CountDownLatch ended = new CountDownLatch(1);
    private final RequestCounts counts = new RequestCounts();
    /** Requests served through the ring queues. */
    private final java.util.concurrent.atomic.AtomicLong ringServed = new java.util.concurrent.atomic.AtomicLong();
    private volatile WorkerPool pool;
    private volatile Negotiated negotiated;
    private volatile PassthroughStatus passthrough = PassthroughStatus.NOT_ASKED;
    private volatile UringStatus uring = UringStatus.NOT_ASKED;
    /** Whether a worker runs (the last one to end releases the device). */
    private boolean started;
    /**
     * Parts serving the connection that have not ended: the worker pool and each ring queue. The
     * last to end releases the device; none may start once that happened.
     */
    private final java.util.concurrent.atomic.AtomicInteger parts = new java.util.concurrent.atomic.AtomicInteger(1);
    /** Where each thread gets its processor: for ring entries, for device reads (device workers, ring queues' drains); set by start. */
    private java.util.function.Supplier<RequestProcessor> processors, deviceProcessors;

    private Session(KernelMount mount, FuseDevice device) {
        this.mount = mount;
        this.device = device;
        this.notifier = new Notifier(device);
    }

    /** Mounts handler on mountPoint and serves it; throws FuseException with one line if it cannot. */
    public static Session mount(Path mountPoint, FuseHandler handler, SessionConfig config) {
        if (com.kenai.jffi.Platform.getPlatform().addressSize() != 64) throw FuseException.unsupported("the kernel FUSE engine needs a 64-bit JVM");
        // The kernel offers FUSE_OVER_IO_URING in INIT only while the parameter is on.
        if (config.uring()) UringSwitch.turnOn();
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
            s = new Session(mount, device);
        } catch (RuntimeException e) {
            mount.abort();
            mount.unmount();
            mount.close();
            device.close();
            throw e;
        }
        Handshake handshake = new Handshake(new InitNegotiation(config.maxPages(), config.maxBackground(),
                config.passthrough(), config.uring()));
        try {
            s.start(handler, config, handshake);
            s.negotiated = handshake.result().get(config.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (config.passthrough()) s.passthrough = s.probePassthrough();
            if (config.uring()) s.uring = s.startRings(config);
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
        Runnable onLastExit = this::partEnded;
        String name = "fuse-" + mount.path().getFileName() + "-";
        int ringOut = config.ringPayloadSize() + 2 * Dispatcher.OUT;
        java.util.function.IntFunction<RequestProcessor> answeringIn = out -> new RequestProcessor(decoder,
                new Dispatcher(handler, interrupts, handshake, out), interrupts, handshake, device, counts);
        processors = () -> answeringIn.apply(ringOut);
        deviceProcessors = () -> answeringIn.apply(size);
        WorkerPool.Spawner spawner = (p, i) -> {
            NativeBuffer buf = NativeBuffer.allocate(size);
            try {
                Thread t = new Thread(new Worker(device, buf, deviceProcessors.get(), p), name + i);
                t.setDaemon(true);
                t.start();
                return t;
            } catch (Throwable e) {
                buf.close();
                throw e;
            }
        };
        pool = new WorkerPool(config.workers(), (int) config.idleTimeout().toMillis(), spawner, onLastExit);
        if (!pool.start()) throw new FuseException("cannot start a FUSE worker thread");
        started = true;
    }

    private void partEnded() {
        if (parts.decrementAndGet() != 0) return;
        notifier.close();
        device.close();
        ended.countDown();
        log.info("FUSE session on {} ended", mount.path());
    }

    private boolean addPart() {
        for (;;) {
            int n = parts.get();
            if (n == 0) return false;
            if (parts.compareAndSet(n, n + 1)) return true;
        }
    }

    /**
     * Registers the ring queues when the kernel took FUSE_OVER_IO_URING; on failure the
     * connection goes on through the device, as it started.
     */
    private UringStatus startRings(SessionConfig config) {
        if (!negotiated.has(InitFlags.OVER_IO_URING)) {
            UringStatus st = new UringStatus(true, false, 0, null);
            log.info("FUSE over io_uring on {}: {}", mount.path(), st.describe());
            return st;
        }
        Rings.Parts p = new Rings.Parts() {
            @Override
            public boolean add() {
                return addPart();
            }

            @Override
            public void ended() {
                partEnded();
            }
        };
        UringStatus st = Rings.start("fuse-" + mount.path().getFileName() + "-", device, config.bufferSize(), config.ringPayloadSize(),
                processors, deviceProcessors, p, this::abort, ringServed);
        log.info("FUSE over io_uring on {}: {}", mount.path(), st.describe());
        return st;
    }

    /** What became of FUSE over io_uring on this connection. */
    public UringStatus uring() {
        return uring;
    }

    /** Requests served through the ring queues so far (the rest came through the device). */
    public long ringServed() {
        return ringServed.get();
    }

    /**
     * The INIT reply carries no verdict on PASSTHROUGH: the kernel takes it silently or not.
     * So one registration of an anonymous memfd (a regular file, which is what kernels accept
     * as backing files, on a filesystem stacked on nothing) asks it, and is dropped at once.
     */
    private PassthroughStatus probePassthrough() {
        boolean offered = (negotiated.offered() & InitFlags.PASSTHROUGH) != 0;
        PassthroughStatus st;
        if (!offered || !negotiated.has(InitFlags.PASSTHROUGH)) {
            st = new PassthroughStatus(true, false, 0);
        } else {
            int fd = KernelLibC.get().memfd_create(KernelLibC.cstr("sharefs-passthrough-probe"), 1 /* MFD_CLOEXEC */);
            int id = fd < 0 ? -KernelLibC.errno() : new BackingFiles(device).open(fd);
            if (fd >= 0) KernelLibC.get().close(fd);
            if (id > 0) new BackingFiles(device).close(id);
            st = new PassthroughStatus(true, true, id > 0 ? 0 : -id);
        }
        log.info("FUSE passthrough on {}: {}", mount.path(), st.describe());
        return st;
    }

    /** What became of FUSE_PASSTHROUGH on this connection. */
    public PassthroughStatus passthrough() {
        return passthrough;
    }

    /** The backing-file registry for passthrough opens; null unless {@link #passthrough()} is accepted. */
    public BackingFiles backingFiles() {
        return passthrough.accepted() ? new BackingFiles(device) : null;
    }

    public Negotiated negotiated() {
        return negotiated;
    }

    /** The requests read from the kernel so far, by opcode. */
    public RequestCounts requestCounts() {
        return counts;
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

    /** The worker threads running now (for tests and status). */
    public List<Thread> threads() {
        WorkerPool p = pool;
        return p == null ? List.of() : p.threads();
    }

    /** Waits of workers that ended without a request so far (tests). */
    long idleWaits() {
        WorkerPool p = pool;
        return p == null ? 0 : p.idleWaits();
    }

    /** How many workers run now: one when idle, up to SessionConfig.workers under load. */
    public int workers() {
        WorkerPool p = pool;
        return p == null ? 0 : p.alive();
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
