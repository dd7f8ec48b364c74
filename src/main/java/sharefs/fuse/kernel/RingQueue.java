package sharefs.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of a queue of FUSE over io_uring (Linux 6.14+), with a ring of its own: it serves
 * requests made on one CPU, pinned to that CPU ({@link Rings} starts the threads of every queue).
 * The kernel hands a request made on CPU q to an idle entry of queue q and wakes the thread that
 * registered it, so a request and its answer stay on the caller's CPU:
 * on the device, the worker the kernel wakes is most often on another CPU, and waking an idle CPU
 * is what a FUSE round trip mostly costs (most of all in a virtual machine).
 *
 * Each entry is one mapping: the kernel's struct fuse_uring_req_header at 0 (the in header, the
 * opcode's own header at 128, the entry's commit id and payload size at 256), the two iovecs that
 * register it at 512, and the payload (names, WRITE data; the answer's payload) from 4096. To
 * serve a request with the same decoder and dispatcher as the device, the in header and the
 * opcode's header are copied just below the payload, which makes the request one contiguous
 * message again, and the answer's 16-byte out header is written just below the payload too, so
 * the answer's payload (READ data included) lands where the kernel takes it from, without a copy.
 *
 * Every request gets exactly one answer: COMMIT_AND_FETCH carries it and asks for the next one.
 * Entries end when the connection does (ENOTCONN after unmount or abort); an unexpected failure
 * calls onFailure, which must abort the connection: a queue nobody serves would hang its callers.
 */
final class RingQueue implements Runnable, RequestProcessor.Reply, IoUring.Completions {
    private static final Logger log = LoggerFactory.getLogger(RingQueue.class);
    static final int CMD_REGISTER = 1, CMD_COMMIT_AND_FETCH = 2;
    /** struct fuse_uring_req_header: in_out, op_in, ring_ent_in_out. */
    static final int HEADER_SIZE = 288, OP_IN = 128, ENT_IN_OUT = 256, IOV = 512, PAYLOAD = 4096;
    private static final int IDLE_MILLIS = 2000;
    static final int RING_NICE = -10;

    private final int qid;
    private final int cpu;
    private final int payloadSize;
    private final NativeBuffer[] entries;
    private final ByteBuffer[] outs;
    private final boolean[] registering;
    private final long[] commitIds;
    private final RequestProcessor processor;
    /** For requests read from the device: FORGETs this queue drains (see drain). */
    private final RequestProcessor deviceProcessor;
    private final FuseDevice device;
    private final int deviceBufferSize;
    private NativeBuffer deviceBuf;
    /**
     * Set, for every queue of the session, after a request that may make the kernel let go of a
     * node (UNLINK, RMDIR, RENAME, RELEASE): the next request any queue serves first reads the
     * device for the FORGETs queued meanwhile. They come through the device, never the ring, and
     * a removed file's space is free only once its FORGET closes the daemon's descriptor of it:
     * without this a write right after an rm on a full disk could still get ENOSPC.
     */
    private final java.util.concurrent.atomic.AtomicBoolean drain;
    private final CompletableFuture<Void> registered;
    private final Runnable onFailure;
    private final Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicLong served;
    private IoUring ring;
    private int live;
    private boolean failed;
    /** Whether an entry's payload has held more than a page since its pages were last handed back. */
    private boolean touched;
    /** The entry being answered (see send), and whether it has been. */
    private int current = -1;
    private boolean answered;

    /**
     * qid on cpu (-1: not pinned), depth entries with payloadSize bytes of payload each; registered
     * completes once the entries are registered (or fails with why not).
     */
    RingQueue(int qid, int cpu, int depth, FuseDevice device, int deviceBufferSize, int payloadSize, RequestProcessor processor,
              RequestProcessor deviceProcessor, java.util.concurrent.atomic.AtomicBoolean drain,
              CompletableFuture<Void> registered, Runnable onFailure, Runnable onEnd, java.util.concurrent.atomic.AtomicLong served) {
        this.served = served;
        this.device = device;
        this.deviceBufferSize = deviceBufferSize;
        this.deviceProcessor = deviceProcessor;
        this.drain = drain;
        this.qid = qid;
        this.cpu = cpu;
        this.payloadSize = payloadSize;
        this.processor = processor;
        this.registered = registered;
        this.onFailure = onFailure;
        this.onEnd = onEnd;
        this.entries = new NativeBuffer[depth];
        this.outs = new ByteBuffer[depth];
        this.registering = new boolean[depth];
        this.commitIds = new long[depth];
    }

    @Override
    public void run() {
        try {
            pin();
            ring = IoUring.create(entries.length + 1, device.fd());
            for (int i = 0; i < entries.length; i++) {
                entries[i] = NativeBuffer.allocate(PAYLOAD + payloadSize + NativeBuffer.IOV_SIZE);
                outs[i] = entries[i].view().slice(PAYLOAD - Dispatcher.OUT, payloadSize + Dispatcher.OUT).order(ByteOrder.nativeOrder());
                register(i);
            }
            live = entries.length;
            int rc = ring.submitNow(this);
            if (rc < 0 || failed || live < entries.length) {
                throw new FuseException("registering queue " + qid + " failed" + (rc < 0 ? ": " + Errors.describe(rc) : ""));
            }
            registered.complete(null);
            loop();
        } catch (Throwable t) {
            if (!registered.isDone()) {
                registered.completeExceptionally(t);
            } else {
                log.error("FUSE ring queue {} stopped on an unexpected error; aborting the connection", qid, t);
                onFailure.run();
            }
        } finally {
            if (ring != null) ring.close();
            for (NativeBuffer b : entries) {
                if (b != null) b.close();
            }
            if (deviceBuf != null) deviceBuf.close();
            onEnd.run();
        }
    }

    /**
     * Pinned to its CPU, and at nice -10 there: a request comes from a task on this CPU, which
     * for a synchronous request sleeps at once, but for readahead's READs goes on reading what is
     * there; at the same nice the kernel let the reader keep the CPU, and a stream read from the
     * disk ran at half the device's speed (dd of 256 MiB: 273-439 against 495-700 MB/s), at -10
     * it runs at the device's (0.9-1.1 GB/s against 0.97-1.0). The work is the caller's own.
     */
    private void pin() {
        if (KernelLibC.get().setpriority(0, 0, RING_NICE) != 0) {
            log.debug("cannot raise FUSE ring queue {} to nice {}: {}", qid, RING_NICE, Errors.describe(KernelLibC.errno()));
        }
        if (cpu < 0) return;
        int words = cpu / 64 + 1;
        Pointer mask = Memory.allocateDirect(KernelLibC.runtime(), words * 8L, true);
        mask.putLong((cpu / 64) * 8L, 1L << (cpu % 64));
        if (KernelLibC.get().sched_setaffinity(0, words * 8L, mask) != 0) {
            log.debug("cannot pin FUSE ring queue {} to CPU {}: {}", qid, cpu, Errors.describe(KernelLibC.errno()));
        }
    }

    private void loop() {
        while (live > 0) {
            int n = ring.submitAndWait(touched ? IDLE_MILLIS : -1, this);
            if (n < 0) throw new FuseException("waiting on FUSE ring queue " + qid + " failed: " + Errors.describe(n));
            if (failed) throw new FuseException("FUSE ring queue " + qid + " got an unexpected completion");
            if (n == 0 && touched) {
                // Idle: hand the payload pages back, as an idle device worker does (they read as zeros after).
                for (NativeBuffer b : entries) b.dropPages();
                if (deviceBuf != null) deviceBuf.dropPages();
                touched = false;
            }
        }
        log.debug("FUSE ring queue {} ended", qid);
    }

    private void register(int i) {
        NativeBuffer b = entries[i];
        ByteBuffer v = b.view();
        v.putLong(IOV, b.address()).putLong(IOV + 8, HEADER_SIZE);
        v.putLong(IOV + 16, b.address() + PAYLOAD).putLong(IOV + 24, payloadSize);
        registering[i] = true;
        command(CMD_REGISTER, b.address() + IOV, 2, i, 0);
    }

    private void command(int op, long addr, int len, int entry, long commitId) {
        int at = ring.uringCmd(op, addr, len, entry);
        if (at < 0) throw new FuseException("FUSE ring queue " + qid + " has no free submission slot");
        // struct fuse_uring_cmd_req { u64 flags; u64 commit_id; u16 qid; } in the SQE's command area.
        ring.sqes().putLong(at + 48, 0).putLong(at + 56, commitId).putShort(at + 64, (short) qid);
    }

    @Override
    public void completed(long userData, int res) {
        int i = (int) userData;
        if (i < 0 || i >= entries.length) {
            log.error("FUSE ring queue {}: a completion for unknown entry {}", qid, userData);
            failed = true;
            return;
        }
        if (res == 0) {
            registering[i] = false;
            serve(i);
            return;
        }
        if (res == -Errors.EAGAIN || res == -Errors.EINTR) {
            if (registering[i]) register(i);
            else command(CMD_COMMIT_AND_FETCH, 0, 0, i, commitIds[i]);
            return;
        }
        live--;
        if (res != -Errors.ENOTCONN && res != -Errors.ECONNABORTED && res != -Errors.ECANCELED && res != -Errors.ENODEV) {
            log.error("FUSE ring queue {} entry {}: {}", qid, i, Errors.describe(res));
            failed = true;
        }
    }

    /** Serves the request the kernel put into entry i and queues its answer with the fetch of the next. */
    private void serve(int i) {
        ByteBuffer v = entries[i].view();
        int op = v.getInt(4);
        long commitId = v.getLong(ENT_IN_OUT + 8);
        int payload = v.getInt(ENT_IN_OUT + 16);
        commitIds[i] = commitId;
        served.incrementAndGet();
        if (drain.get() && drain.getAndSet(false)) drainDevice();
        current = i;
        answered = false;
        try {
            int fixed = Math.max(Opcode.fixedArgs(op), 0);
            if (payload < 0 || payload > payloadSize || fixed > OP_IN) {
                log.warn("refusing a {} from the ring with a payload of {} bytes", Opcode.name(op), Integer.toUnsignedString(payload));
                answerError(v, -Errors.EIO);
                return;
            }
            if (payload > 4096) touched = true;
            int start = PAYLOAD - InHeader.SIZE - fixed;
            for (int k = 0; k < InHeader.SIZE; k += 8) v.putLong(start + k, v.getLong(k));
            for (int k = 0; k < fixed; k += 8) v.putLong(start + InHeader.SIZE + k, v.getLong(OP_IN + k));
            int n = InHeader.SIZE + fixed + payload;
            v.putInt(start, n);
            processor.process(v.slice(start, n).order(ByteOrder.nativeOrder()), n, outs[i], payloadSize + 2 * Dispatcher.OUT, this);
            if (op == Opcode.UNLINK || op == Opcode.RMDIR || op == Opcode.RENAME || op == Opcode.RENAME2 || op == Opcode.RELEASE) {
                drain.set(true);
            }
            if (!answered) {
                log.error("{} from the ring got no answer; answering EIO", Opcode.name(op));
                answerError(v, -Errors.EIO);
            }
        } finally {
            current = -1;
        }
    }

    /** Serves what waits on the device now (FORGETs, mostly), without waiting for more. */
    private void drainDevice() {
        if (deviceBuf == null) deviceBuf = NativeBuffer.allocate(deviceBufferSize);
        for (int k = 0; k < 64; k++) {
            int n = device.read(deviceBuf);
            if (n < 0) return;
            touched = true;
            deviceProcessor.process(deviceBuf, n);
        }
    }

    private void answerError(ByteBuffer v, int errno) {
        answer(v, Dispatcher.OUT, errno, commitIds[current]);
    }

    /** The answer to the request of the current entry: its out header into the entry's header, its payload already in place. */
    @Override
    public int send(ByteBuffer out, int len) {
        if (current < 0 || answered) return -Errors.EINVAL;
        if (len - Dispatcher.OUT > 4096) touched = true;
        answer(entries[current].view(), len, out.getInt(4), out.getLong(8));
        return 0;
    }

    /** The out header and payload size of the current entry's answer into its header, and the commit that carries it. */
    private void answer(ByteBuffer v, int len, int error, long unique) {
        v.putInt(0, len).putInt(4, error).putLong(8, unique);
        v.putInt(ENT_IN_OUT + 16, len - Dispatcher.OUT);
        answered = true;
        command(CMD_COMMIT_AND_FETCH, 0, 0, current, commitIds[current]);
    }
}
