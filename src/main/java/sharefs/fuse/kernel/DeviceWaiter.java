package sharefs.fuse.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one worker waits for the next request with a timeout. poll(2) on the shared device wakes
 * every waiting worker for each request (all but one then read EAGAIN and wait again: two wasted
 * context switches per idle worker per request, which on a small machine costs more than the
 * request itself). So each worker waits in an epoll instance of its own holding the device with
 * EPOLLEXCLUSIVE, and the kernel wakes one of them, as it does blocking readers. Where epoll is
 * refused, poll(2) still works, only less well.
 */
final class DeviceWaiter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceWaiter.class);
    private static final int EPOLL_CLOEXEC = 02000000, EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 0x1, EPOLLEXCLUSIVE = 1 << 28;
    private static final short POLLIN = 1;
    /** struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
    private static final int EVENT_SIZE = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch")) ? 12 : 16;
    private static final int POLLFD_SIZE = 8;

    private final FuseDevice device;
    private final int epfd;
    private final Pointer mem;

    private DeviceWaiter(FuseDevice device, int epfd) {
        this.device = device;
        this.epfd = epfd;
        this.mem = Memory.allocateDirect(KernelLibC.runtime(), Math.max(EVENT_SIZE, POLLFD_SIZE), true);
    }

    /** A waiter on device for the calling worker; closed by it when it stops. */
    static DeviceWaiter on(FuseDevice device) {
        KernelLibC c = KernelLibC.get();
        int ep = c.epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0) {
            log.warn("epoll_create1 failed ({}): this worker waits with poll(2)", Errors.describe(KernelLibC.errno()));
            return new DeviceWaiter(device, -1);
        }
        Pointer ev = Memory.allocateDirect(KernelLibC.runtime(), EVENT_SIZE, true);
        ev.putInt(0, EPOLLIN | EPOLLEXCLUSIVE);
        if (c.epoll_ctl(ep, EPOLL_CTL_ADD, device.fd(), ev) < 0) {
            log.warn("epoll_ctl(EPOLLEXCLUSIVE) on /dev/fuse failed ({}): this worker waits with poll(2)",
                    Errors.describe(KernelLibC.errno()));
            c.close(ep);
            return new DeviceWaiter(device, -1);
        }
        return new DeviceWaiter(device, ep);
    }

    /** Whether this waiter shares its wake-ups with no other (tests). */
    boolean exclusive() {
        return epfd >= 0;
    }

    /**
     * Waits up to timeoutMillis (-1: for ever) until a request can be read: 1 when one can (or the
     * connection ended, which the read then says; or another worker took it first, EAGAIN), 0 when
     * the time passed, or -errno.
     */
    int await(int timeoutMillis) {
        if (epfd < 0) {
            mem.putInt(0, device.fd());
            mem.putShort(4, POLLIN);
            mem.putShort(6, (short) 0);
            int rc = KernelLibC.get().poll(mem, 1, timeoutMillis);
            return rc < 0 ? -KernelLibC.errno() : rc;
        }
        int rc = KernelLibC.get().epoll_wait(epfd, mem, 1, timeoutMillis);
        return rc < 0 ? -KernelLibC.errno() : rc;
    }

    @Override
    public void close() {
        if (epfd >= 0) KernelLibC.get().close(epfd);
    }
}
