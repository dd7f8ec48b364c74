package sharefs.fuse.kernel;

import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;

/**
 * An open /dev/fuse: read(2) takes one request per call, writev(2) sends one reply per call.
 * Non-blocking: a worker waits with a {@link DeviceWaiter}, so it can give up after a while
 * without a request, and a read that finds the request taken by another worker says EAGAIN.
 * Reference counted like the backing layer's root descriptor: close() never releases the number
 * while a send (a notification from another thread) still uses it, since a recycled number
 * could name an unrelated file. Reads happen only on workers, which close it after the last read.
 */
final class FuseDevice implements Channel, AutoCloseable {
    private static final int O_RDWR = 2, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    private final int fd;
    /** Low bit: closed; each user in a call adds 2. */
    private final AtomicLong state = new AtomicLong();

    private FuseDevice(int fd) {
        this.fd = fd;
    }

    static FuseDevice open() {
        int fd = KernelLibC.get().open(KernelLibC.cstr("/dev/fuse"), O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
        if (fd < 0) {
            int e = KernelLibC.errno();
            throw new FuseException("cannot open /dev/fuse: " + Errors.describe(e)
                    + (e == 2 ? " (load the fuse module: modprobe fuse)" : ""));
        }
        return new FuseDevice(fd);
    }

    int fd() {
        return fd;
    }

    /** One request into buf; its length, or -errno (EAGAIN: none waiting; EINTR, ENOENT: retry; ENODEV: unmounted). */
    int read(NativeBuffer buf) {
        long n = KernelLibC.get().read(fd, buf.memory(), buf.size());
        return n < 0 ? -KernelLibC.errno() : (int) n;
    }

    /**
     * One message of len bytes from the start of buf. The iovec sits at the end of the buffer,
     * past anything a reply can use (the request size limit keeps a page spare).
     */
    @Override
    public int send(NativeBuffer buf, int len) {
        if (len + NativeBuffer.IOV_SIZE > buf.size()) return -Errors.EINVAL;
        if (!acquire()) return -Errors.ENODEV;
        try {
            return writev(buf, len);
        } finally {
            release();
        }
    }

    private int writev(NativeBuffer buf, int len) {
        int at = buf.size() - NativeBuffer.IOV_SIZE;
        buf.view().putLong(at, buf.address());
        buf.view().putLong(at + 8, len);
        long n = KernelLibC.get().writev(fd, buf.iov(), 1);
        if (n < 0) return -KernelLibC.errno();
        return n == len ? 0 : -Errors.EIO;
    }

    /** ioctl(2) on the device with arg; its result, or -errno (-ENODEV once closed). */
    int ioctl(long request, jnr.ffi.Pointer arg) {
        if (!acquire()) return -Errors.ENODEV;
        try {
            int rc = KernelLibC.get().ioctl(fd, request, arg);
            return rc < 0 ? -KernelLibC.errno() : rc;
        } finally {
            release();
        }
    }

    private boolean acquire() {
        for (;;) {
            long s = state.get();
            if ((s & 1) != 0) return false;
            if (state.compareAndSet(s, s + 2)) return true;
        }
    }

    private void release() {
        if (state.addAndGet(-2) == 1) KernelLibC.get().close(fd);
    }

    @Override
    public void close() {
        long prev = state.getAndUpdate(s -> s | 1);
        if (prev == 0) KernelLibC.get().close(fd);
    }
}
