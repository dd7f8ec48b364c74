package sharefs.fuse.kernel;

import com.kenai.jffi.MemoryIO;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The little of io_uring(7) that FUSE over io_uring needs, on raw system calls (no liburing on
 * Debian 12 that a binding could reach): a ring of 128-byte SQEs (IORING_SETUP_SQE128, which
 * FUSE's commands require), one registered file (the FUSE device, so a descriptor number the
 * session closes and the process reuses can never be reached through the ring), submission of
 * IORING_OP_URING_CMD, and waiting for completions with a timeout.
 *
 * Owned by one thread: only it writes SQEs and the SQ tail, and reads the CQ ring. The kernel
 * reads what it writes inside io_uring_enter (a system call, so a full barrier); the CQ tail the
 * kernel writes is read with acquire and the head handed back with release, as liburing does.
 */
final class IoUring implements AutoCloseable {
    // x86-64 and the generic table (arm64) agree on these.
    private static final long SYS_SETUP = 425, SYS_ENTER = 426, SYS_REGISTER = 427;
    static final int SETUP_CQSIZE = 1 << 3, SETUP_SQE128 = 1 << 10;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final long OFF_SQ_RING = 0, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;
    private static final int ENTER_GETEVENTS = 1, ENTER_EXT_ARG = 8;
    private static final int REGISTER_FILES = 2;
    static final int OP_URING_CMD = 46;
    private static final int SQE_FIXED_FILE = 1;
    static final int SQE_SIZE = 128;
    private static final int CQE_SIZE = 16;
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** One completion, as read: the SQE's user data and its result (-errno on failure). */
    interface Completions {
        void completed(long userData, int res);
    }

    private final int fd;
    private final Pointer rings, cqRings, sqesMem;
    private final long ringsLen, cqRingsLen, sqesLen;
    private final ByteBuffer sq, cq, sqes;
    private final int sqEntries, sqHead, sqTail, sqMask, sqArray;
    private final int cqHead, cqTail, cqMask, cqes;
    /** struct io_uring_getevents_arg and the struct __kernel_timespec it points to, for timed waits. */
    private final Pointer waitArg;
    private int tail;

    private IoUring(int fd, Pointer params) {
        this.fd = fd;
        KernelLibC c = KernelLibC.get();
        sqEntries = params.getInt(0);
        int cqEntries = params.getInt(4);
        int features = params.getInt(20);
        int sqArrayOff = params.getInt(40 + 24);
        int cqesOff = params.getInt(80 + 20);
        long sqLen = sqArrayOff + 4L * sqEntries;
        long cqLen = cqesOff + (long) CQE_SIZE * cqEntries;
        boolean single = (features & FEAT_SINGLE_MMAP) != 0;
        ringsLen = single ? Math.max(sqLen, cqLen) : sqLen;
        rings = map(ringsLen, OFF_SQ_RING);
        Pointer cqMem = rings;
        long cqMemLen = 0;
        try {
            if (!single) {
                cqMemLen = cqLen;
                cqMem = map(cqLen, OFF_CQ_RING);
            }
            sqesLen = (long) SQE_SIZE * sqEntries;
            sqesMem = map(sqesLen, OFF_SQES);
        } catch (RuntimeException e) {
            c.munmap(rings, ringsLen);
            if (cqMemLen > 0 && cqMem != rings) c.munmap(cqMem, cqMemLen);
            throw e;
        }
        cqRings = cqMem;
        cqRingsLen = cqMemLen;
        sq = view(rings, ringsLen);
        cq = single ? sq : view(cqMem, cqLen);
        sqes = view(sqesMem, sqesLen);
        sqHead = params.getInt(40);
        sqTail = params.getInt(44);
        sqMask = sq.getInt(params.getInt(48));
        sqArray = sqArrayOff;
        cqHead = params.getInt(80);
        cqTail = params.getInt(84);
        cqMask = cq.getInt(params.getInt(88));
        cqes = cqesOff;
        tail = sq.getInt(sqTail);
        waitArg = Memory.allocateDirect(KernelLibC.runtime(), 40, true);
    }

    /**
     * A ring of at least entries SQEs (128 bytes each) and twice as many CQEs, with file
     * registered as fixed file 0.
     */
    static IoUring create(int entries, int file) {
        Pointer params = Memory.allocateDirect(KernelLibC.runtime(), 120, true);
        params.putInt(4, entries * 2);
        params.putInt(8, SETUP_SQE128 | SETUP_CQSIZE);
        long fd = KernelLibC.get().syscall(SYS_SETUP, entries, params);
        if (fd < 0) throw new FuseException("io_uring_setup failed: " + Errors.describe(KernelLibC.errno()));
        IoUring ring;
        try {
            ring = new IoUring((int) fd, params);
        } catch (RuntimeException e) {
            KernelLibC.get().close((int) fd);
            throw e;
        }
        Pointer files = Memory.allocateDirect(KernelLibC.runtime(), 4, true);
        files.putInt(0, file);
        long rc = KernelLibC.get().syscall(SYS_REGISTER, fd, REGISTER_FILES, files, 1);
        if (rc < 0) {
            int errno = KernelLibC.errno();
            ring.close();
            throw new FuseException("io_uring_register of the FUSE device failed: " + Errors.describe(errno));
        }
        return ring;
    }

    private Pointer map(long len, long offset) {
        Pointer p = KernelLibC.get().mmap(null, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        if (p == null || p.address() == -1 || p.address() == 0) {
            throw new FuseException("cannot map an io_uring ring: " + Errors.describe(KernelLibC.errno()));
        }
        return p;
    }

    private static ByteBuffer view(Pointer p, long len) {
        return MemoryIO.getInstance().newDirectByteBuffer(p.address(), (int) len).order(ByteOrder.nativeOrder());
    }

    /**
     * A URING_CMD SQE on the registered file, queued (not yet submitted): cmdOp, addr and len as
     * the command reads them, userData back in its completion; the returned buffer and offset
     * are the SQE, whose command area (bytes 48 to 127) the caller fills. Null when the SQ ring
     * is full, which a caller that never has more commands out than entries never meets.
     */
    int uringCmd(int cmdOp, long addr, int len, long userData) {
        int head = (int) INT.getAcquire(sq, sqHead);
        if (tail - head >= sqEntries) return -1;
        int idx = tail & sqMask;
        int at = idx * SQE_SIZE;
        for (int i = 0; i < SQE_SIZE; i += 8) sqes.putLong(at + i, 0);
        sqes.put(at, (byte) OP_URING_CMD).put(at + 1, (byte) SQE_FIXED_FILE).putInt(at + 4, 0)
                .putInt(at + 8, cmdOp).putLong(at + 16, addr).putInt(at + 24, len).putLong(at + 32, userData);
        sq.putInt(sqArray + 4 * idx, idx);
        tail++;
        INT.setRelease(sq, sqTail, tail);
        return at;
    }

    /** The SQE ring's memory, for the command area of an SQE {@link #uringCmd} returned. */
    ByteBuffer sqes() {
        return sqes;
    }

    /**
     * Submits what is queued and waits for at least one completion, at most timeoutMillis
     * (negative: without a limit); then hands every completion to sink. The number handed, 0 on
     * a timeout or a signal, or -errno of a failed io_uring_enter.
     */
    int submitAndWait(long timeoutMillis, Completions sink) {
        int toSubmit = tail - (int) INT.getAcquire(sq, sqHead);
        int ready = reap(sink);
        if (ready > 0 && toSubmit == 0) return ready;
        long rc;
        int min = ready > 0 ? 0 : 1;
        if (timeoutMillis < 0 || min == 0) {
            rc = KernelLibC.get().syscall(SYS_ENTER, fd, toSubmit, min, min > 0 ? ENTER_GETEVENTS : 0, null, 0);
        } else {
            // struct io_uring_getevents_arg { u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts; } then the timespec.
            waitArg.putLong(0, 0);
            waitArg.putInt(8, 0);
            waitArg.putInt(12, 0);
            waitArg.putLong(16, waitArg.address() + 24);
            waitArg.putLong(24, timeoutMillis / 1000);
            waitArg.putLong(32, (timeoutMillis % 1000) * 1_000_000L);
            rc = KernelLibC.get().syscall(SYS_ENTER, fd, toSubmit, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, waitArg, 24);
        }
        if (rc < 0) {
            int errno = KernelLibC.errno();
            if (errno != Errors.EINTR && errno != Errors.ETIME && errno != Errors.EBUSY) return -errno;
        }
        return ready + reap(sink);
    }

    /** Submits what is queued without waiting, then hands the completions already there to sink; their number or -errno. */
    int submitNow(Completions sink) {
        int toSubmit = tail - (int) INT.getAcquire(sq, sqHead);
        if (toSubmit > 0) {
            long rc = KernelLibC.get().syscall(SYS_ENTER, fd, toSubmit, 0, 0, null, 0);
            if (rc < 0) return -KernelLibC.errno();
        }
        return reap(sink);
    }

    private int reap(Completions sink) {
        int head = cq.getInt(cqHead);
        int end = (int) INT.getAcquire(cq, cqTail);
        int n = 0;
        for (; head != end; head++, n++) {
            int at = cqes + (head & cqMask) * CQE_SIZE;
            long data = cq.getLong(at);
            int res = cq.getInt(at + 8);
            INT.setRelease(cq, cqHead, head + 1);
            sink.completed(data, res);
        }
        return n;
    }

    /** Closing the ring cancels its commands still out; the kernel lets go of their buffers. */
    @Override
    public void close() {
        KernelLibC c = KernelLibC.get();
        c.munmap(sqesMem, sqesLen);
        if (cqRings != rings) c.munmap(cqRings, cqRingsLen);
        c.munmap(rings, ringsLen);
        c.close(fd);
    }
}
