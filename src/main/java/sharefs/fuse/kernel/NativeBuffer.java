package sharefs.fuse.kernel;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * A region of anonymous memory (mmap) with a ByteBuffer view in native byte order. mmap rather
 * than ByteBuffer.allocateDirect because the latter zeroes, making every worker's 1 MiB buffer
 * resident at once; mapped pages are only backed once a request of that size touches them.
 * Close only when no thread uses it any more: the view dangles after.
 */
final class NativeBuffer implements AutoCloseable {
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MADV_DONTNEED = 4;

    /** Bytes kept at the end for the struct iovec of a send (see FuseDevice). */
    static final int IOV_SIZE = 16;

    private final Pointer memory;
    private final Pointer iov;
    private final int size;
    private final ByteBuffer view;
    private boolean closed;

    private NativeBuffer(Pointer memory, int size) {
        this.memory = memory;
        this.iov = memory.slice(size - IOV_SIZE);
        this.size = size;
        this.view = MemoryIO.getInstance().newDirectByteBuffer(memory.address(), size).order(ByteOrder.nativeOrder());
    }

    static NativeBuffer allocate(int size) {
        Pointer p = KernelLibC.get().mmap(null, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == null || p.address() == -1 || p.address() == 0) {
            throw new FuseException("cannot map " + size + " bytes for a FUSE buffer: " + Errors.describe(KernelLibC.errno()));
        }
        return new NativeBuffer(p, size);
    }

    Pointer memory() {
        return memory;
    }

    /** The last IOV_SIZE bytes, for one struct iovec. */
    Pointer iov() {
        return iov;
    }

    long address() {
        return memory.address();
    }

    int size() {
        return size;
    }

    /** The whole region; callers use absolute gets and puts, or duplicate() for their own position. */
    ByteBuffer view() {
        return view;
    }

    /**
     * Hands the region's pages back to the system: it stays mapped and reads as zeros, and pages
     * come back one by one as a request touches them. Only while nothing reads into the buffer
     * (a worker between requests); 0 or -errno.
     */
    int dropPages() {
        int rc = KernelLibC.get().madvise(memory, size, MADV_DONTNEED);
        return rc < 0 ? -KernelLibC.errno() : 0;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        KernelLibC.get().munmap(memory, size);
    }
}
