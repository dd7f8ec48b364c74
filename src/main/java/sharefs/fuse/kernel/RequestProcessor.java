package sharefs.fuse.kernel;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one request and sends its one answer: checks it, registers it for INTERRUPT,
 * dispatches it, and answers through a {@link Reply}: from the worker's own buffer on the device,
 * from the entry's payload buffer on a ring (see {@link RingQueue}). Whatever happens, an
 * answering opcode gets exactly one reply and nothing escapes: a malformed request is refused
 * (-EINVAL, -EIO) with a log line, and a handler that throws answers -EIO (fail closed).
 * FORGET, BATCH_FORGET and NOTIFY_REPLY are never answered; INTERRUPT only with -EAGAIN (see
 * {@link Interrupts}).
 */
final class RequestProcessor {
    private static final Logger log = LoggerFactory.getLogger(RequestProcessor.class);
    private static final int MAX_ERRNO = 4095;

    private final RequestDecoder decoder;
    private final Dispatcher dispatcher;
    private final Interrupts interrupts;
    private final Handshake handshake;
    private final Channel channel;
    private final RequestCounts counts;

    RequestProcessor(RequestDecoder decoder, Dispatcher dispatcher, Interrupts interrupts, Handshake handshake, Channel channel,
                     RequestCounts counts) {
        this.counts = counts;
        this.decoder = decoder;
        this.dispatcher = dispatcher;
        this.interrupts = interrupts;
        this.handshake = handshake;
        this.channel = channel;
    }

    /** Where an answer goes: out holds the whole message (out header first) of len bytes. 0 or -errno. */
    interface Reply {
        int send(ByteBuffer out, int len);
    }

    /** A request read from the device into buf, answered from buf. */
    void process(NativeBuffer buf, int n) {
        process(buf.view(), n, buf.view(), buf.size(), (out, len) -> channel.send(buf, len));
    }

    /**
     * The request of n bytes at the start of b, answered in out (its payload from offset 16, at
     * most outSize - 32 bytes of it) through reply.
     */
    void process(ByteBuffer b, int n, ByteBuffer out, int outSize, Reply reply) {
        if (n >= 8) counts.count(b.getInt(4));
        InHeader h;
        try {
            h = decoder.header(b, n);
        } catch (Malformed m) {
            int op = n >= 8 ? b.getInt(4) : 0;
            log.warn("refusing a malformed {} (unique {}): {}", Opcode.name(op), m.unique, m.getMessage());
            if (m.unique != 0 && !Opcode.noReply(op)) send(out, outSize, reply, m.unique, m.errno, op);
            return;
        } catch (Throwable t) {
            log.error("cannot read a request header", t);
            return;
        }
        int op = h.opcode();
        Request r = null;
        int code;
        try {
            if (!Opcode.noReply(op)) {
                r = new Request(h, Thread.currentThread());
                interrupts.begin(r);
            }
            code = dispatcher.dispatch(out, h, decoder.args(b, h), r);
        } catch (Malformed m) {
            log.warn("refusing a malformed {} (unique {}): {}", Opcode.name(op), h.unique(), m.getMessage());
            code = Opcode.noReply(op) ? Dispatcher.NO_REPLY : m.errno;
        } catch (Throwable t) {
            log.error("{} on node {} failed; answering EIO", Opcode.name(op), h.nodeId(), t);
            if (op == Opcode.INIT) handshake.fail(t);
            code = Opcode.noReply(op) ? Dispatcher.NO_REPLY : -Errors.EIO;
        }
        try {
            if (code != Dispatcher.NO_REPLY) {
                int rc = send(out, outSize, reply, h.unique(), code, op);
                if (op == Opcode.INIT && rc == 0) handshake.answered();
            }
        } finally {
            if (r != null) interrupts.end(r);
        }
    }

    /** The out header for code (a payload length, or -errno) and the message; 0 or -errno of the write. */
    private int send(ByteBuffer out, int outSize, Reply reply, long unique, int code, int op) {
        int payload = Math.max(code, 0);
        int error = code >= 0 ? 0 : code;
        if (error < -MAX_ERRNO || payload > outSize - Dispatcher.OUT - 16) {
            log.error("{} produced an impossible answer {}; answering EIO", Opcode.name(op), code);
            payload = 0;
            error = -Errors.EIO;
        }
        int len = Dispatcher.OUT + payload;
        out.putInt(0, len).putInt(4, error).putLong(8, unique);
        int rc = reply.send(out, len);
        if (rc == -Errors.ENOENT) {
            log.debug("{} {} was gone before its answer (interrupted or aborted)", Opcode.name(op), unique);
        } else if (rc == -Errors.ENODEV) {
            log.debug("the connection ended before the answer to {} {}", Opcode.name(op), unique);
        } else if (rc < 0) {
            log.error("the kernel refused the answer to {} {} ({} bytes, error {}): {}", Opcode.name(op), unique, len, error,
                    Errors.describe(rc));
        }
        return rc;
    }
}
