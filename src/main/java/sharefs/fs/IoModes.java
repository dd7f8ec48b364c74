package sharefs.fs;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.fuse.kernel.OpenOut;

/**
 * How each open of a node is answered, as the kernel requires it: an inode is either in cached
 * mode (opens whose reads and writes come to the daemon through the page cache) or, while any of
 * its opens is passthrough, in uncached mode, and every open of it then must name the same
 * backing file (the kernel answers any other open with EIO). So per node:
 * <ul>
 * <li>an open the policy allows goes passthrough unless the node has cached opens, and then it
 * stays on the daemon path (it is never refused for it);</li>
 * <li>an open the policy does not allow, on a node that has passthrough opens, is answered
 * FOPEN_PASSTHROUGH | FOPEN_DIRECT_IO with the same backing file: its reads and writes still
 * come to the daemon (the rules and the reserve apply to them), but an mmap of it maps the
 * backing file, as the kernel does for such opens;</li>
 * <li>the backing id is registered at the node's first passthrough open and dropped at the
 * RELEASE of its last (the kernel releases an open's mode before it sends RELEASE, so the
 * counts here never claim less than the kernel holds).</li>
 * </ul>
 * Before the kernel accepted passthrough (or on an engine without it) every open is cached.
 */
final class IoModes {
    private static final Logger log = LoggerFactory.getLogger(IoModes.class);

    /** The answer for one open: flags and backing id for the reply, and whether it holds the node's backing file. */
    record Choice(int flags, int backingId, boolean uncached) {
        static final Choice CACHED = new Choice(0, 0, false);

        boolean passthrough() {
            return (flags & OpenOut.FOPEN_PASSTHROUGH) != 0 && (flags & OpenOut.FOPEN_DIRECT_IO) == 0;
        }
    }

    private static final class State {
        int backingId;
        int uncached;
        int cached;
    }

    private final String mountName;
    private final Map<Long, State> byNode = new HashMap<>();
    /** BackingFiles#open and #close of the connection; null until the kernel accepted passthrough. */
    private IntUnaryOperator register;
    private IntUnaryOperator unregister;
    private boolean warned;
    private long passthroughOpens;

    IoModes(String mountName) {
        this.mountName = mountName;
    }

    /**
     * From now on opens may go passthrough: register gives a backing id (above 0) for a
     * descriptor or -errno, unregister drops an id (BackingFiles#open, #close).
     */
    synchronized void attach(IntUnaryOperator register, IntUnaryOperator unregister) {
        this.register = register;
        this.unregister = unregister;
    }

    /** The answer for an open of node whose descriptor is fd; eligible: the policy allows passthrough. */
    synchronized Choice open(long node, boolean eligible, int fd) {
        State s = byNode.computeIfAbsent(node, k -> new State());
        if (s.uncached > 0) {
            s.uncached++;
            if (eligible) passthroughOpens++;
            return new Choice(OpenOut.FOPEN_PASSTHROUGH | (eligible ? 0 : OpenOut.FOPEN_DIRECT_IO), s.backingId, true);
        }
        if (eligible && s.cached == 0 && register != null) {
            int id = register.applyAsInt(fd);
            if (id > 0) {
                s.backingId = id;
                s.uncached = 1;
                passthroughOpens++;
                return new Choice(OpenOut.FOPEN_PASSTHROUGH, id, true);
            }
            if (!warned) {
                warned = true;
                log.warn("{}: the kernel refused a backing file (errno {}): such opens go through the daemon", mountName, -id);
            }
        }
        s.cached++;
        return Choice.CACHED;
    }

    /** The RELEASE of an open of node answered with choice's uncached. */
    synchronized void released(long node, boolean uncached) {
        State s = byNode.get(node);
        if (s == null) return;
        if (uncached) {
            if (s.uncached > 0 && --s.uncached == 0 && unregister != null) {
                int rc = unregister.applyAsInt(s.backingId);
                if (rc < 0) log.warn("{}: closing backing id {} failed (errno {})", mountName, s.backingId, -rc);
                s.backingId = 0;
            }
        } else if (s.cached > 0) {
            s.cached--;
        }
        if (s.uncached == 0 && s.cached == 0) byNode.remove(node);
    }

    /** Opens answered passthrough (not counting DIRECT_IO ones) since the mount. */
    synchronized long passthroughOpens() {
        return passthroughOpens;
    }

    /** Nodes with a backing file registered now (tests). */
    synchronized int backed() {
        int n = 0;
        for (State s : byNode.values()) if (s.uncached > 0) n++;
        return n;
    }
}
