package sharefs.fuse.kernel;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INIT exchange of one connection: answers the kernel's INIT (see {@link InitNegotiation}),
 * logs what was negotiated, and publishes it; until then no other request is served.
 */
final class Handshake {
    private static final Logger log = LoggerFactory.getLogger(Handshake.class);

    private final InitNegotiation negotiation;
    private final CompletableFuture<Negotiated> result = new CompletableFuture<>();
    private volatile Negotiated negotiated;

    Handshake(InitNegotiation negotiation) {
        this.negotiation = negotiation;
    }

    /** The INIT answer's payload length at out, or -errno. */
    int answer(Args a, ByteBuffer b, int out, FuseHandler handler) throws Malformed {
        if (negotiated != null) return -Errors.EIO;
        InitNegotiation.Offer offer = InitNegotiation.read(a);
        InitNegotiation.Outcome o = negotiation.decide(offer);
        if (o.errno() != 0) {
            log.error("refusing the FUSE connection: {}", o.why());
            result.completeExceptionally(FuseException.unsupported(o.why()));
            return o.errno();
        }
        if (o.negotiated() == null) {
            log.info("{}", o.why());
            return InitNegotiation.encode(null, b, out);
        }
        Negotiated n = o.negotiated();
        int len = InitNegotiation.encode(n, b, out);
        handler.init(n);
        negotiated = n;
        log.info("negotiated {}", n.describe());
        return len;
    }

    /** Completes once the INIT answer is on its way to the kernel (the caller sends it first). */
    void answered() {
        Negotiated n = negotiated;
        if (n != null) result.complete(n);
    }

    boolean done() {
        return negotiated != null;
    }

    CompletableFuture<Negotiated> result() {
        return result;
    }

    void fail(Throwable why) {
        result.completeExceptionally(why);
    }
}
