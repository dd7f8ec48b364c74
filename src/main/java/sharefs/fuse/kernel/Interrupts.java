package sharefs.fuse.kernel;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests being handled now, by unique id, so that an INTERRUPT can reach the one it
 * names. The kernel sends an INTERRUPT only for a request a worker has already read, but the
 * worker may not have registered it yet: such an INTERRUPT is answered -EAGAIN, which makes
 * the kernel queue it again (fuse_dev_do_write), and it is found on a later try. An INTERRUPT
 * for a request already answered is dropped (the kernel then refuses the EAGAIN with ENOENT).
 */
final class Interrupts {
    private final ConcurrentHashMap<Long, Request> inFlight = new ConcurrentHashMap<>();

    void begin(Request r) {
        inFlight.put(r.unique(), r);
    }

    void end(Request r) {
        inFlight.remove(r.unique(), r);
    }

    /** True if the request was found and flagged; false: answer the INTERRUPT with -EAGAIN. */
    boolean interrupt(long unique) {
        Request r = inFlight.get(unique);
        if (r == null) return false;
        r.interrupt();
        return true;
    }

    int size() {
        return inFlight.size();
    }
}
