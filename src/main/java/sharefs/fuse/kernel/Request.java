package sharefs.fuse.kernel;

import java.util.concurrent.locks.LockSupport;

/**
 * Who asks, for one request: the caller's uid, gid and pid as the kernel saw them, and whether
 * the kernel has since interrupted the request (the caller got a signal while waiting). A
 * handler that may block for long polls {@link #interrupted()} or waits in
 * {@link #awaitInterrupt} and then answers -EINTR; one that ignores interrupts just finishes.
 * Valid for the duration of the handler call only.
 */
public final class Request {
    private final long unique;
    private final long nodeId;
    private final int uid, gid, pid;
    private final Thread worker;
    private volatile boolean interrupted;

    /** A request of uid/gid/pid made outside any session, for handler tests that call a handler directly. */
    public static Request of(long unique, int uid, int gid, int pid) {
        return new Request(new InHeader(0, 0, unique, 0, uid, gid, pid, 0), Thread.currentThread());
    }

    Request(InHeader h, Thread worker) {
        this.unique = h.unique();
        this.nodeId = h.nodeId();
        this.uid = h.uid();
        this.gid = h.gid();
        this.pid = h.pid();
        this.worker = worker;
    }

    public long unique() {
        return unique;
    }

    /** The node the request is about (for LOOKUP, MKDIR... the parent directory). */
    public long nodeId() {
        return nodeId;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** The calling thread group; 0 for requests the kernel sends on no process's behalf. */
    public int pid() {
        return pid;
    }

    public boolean interrupted() {
        return interrupted;
    }

    /** Blocks up to timeoutNanos for an INTERRUPT of this request; true if one came. */
    public boolean awaitInterrupt(long timeoutNanos) {
        long end = System.nanoTime() + timeoutNanos;
        while (!interrupted) {
            long left = end - System.nanoTime();
            if (left <= 0) return false;
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    void interrupt() {
        interrupted = true;
        LockSupport.unpark(worker);
    }
}
