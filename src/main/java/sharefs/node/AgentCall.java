package sharefs.node;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One CLI call being served: its stdout and stderr, which reach the caller as the command
 * writes them, and its connection, which tells a command that stays attached (a foreground
 * mount) when the caller has hung up.
 */
public final class AgentCall {
    private final SocketChannel channel;
    private final DataOutputStream wire;
    private final PrintWriter out;
    private final PrintWriter err;

    AgentCall(SocketChannel channel, DataOutputStream wire) {
        this.channel = channel;
        this.wire = wire;
        this.out = new PrintWriter(new FrameWriter(Wire.OUT), true);
        this.err = new PrintWriter(new FrameWriter(Wire.ERR), true);
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /**
     * Blocks until the caller hangs up (it closed its side, or died) or until ended completes,
     * whichever is first; true if the caller hung up.
     */
    public boolean awaitHangUpOr(CompletableFuture<?> ended) {
        CompletableFuture<?> wake = ended.whenComplete((r, e) -> {
            try {
                // Wakes the read below with end-of-stream; replies can still be written.
                channel.shutdownInput();
            } catch (IOException ignored) {
                // Already closed: the read ends anyway.
            }
        });
        ByteBuffer one = ByteBuffer.allocate(64);
        try {
            while (!ended.isDone()) {
                one.clear();
                if (channel.read(one) < 0) break;
            }
        } catch (IOException e) {
            // The caller's side broke: as good as hung up.
        }
        wake.cancel(false);
        return !ended.isDone();
    }

    void exit(int code) throws IOException {
        out.flush();
        err.flush();
        synchronized (wire) {
            Wire.exit(wire, code);
        }
    }

    /** Text written to one stream, sent as frames when flushed. A caller that went away makes writes vanish. */
    private final class FrameWriter extends Writer {
        private final byte type;
        private final StringBuilder pending = new StringBuilder();

        FrameWriter(byte type) {
            this.type = type;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            synchronized (pending) {
                pending.append(cbuf, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            byte[] b;
            synchronized (pending) {
                if (pending.length() == 0) return;
                b = pending.toString().getBytes(StandardCharsets.UTF_8);
                pending.setLength(0);
            }
            synchronized (wire) {
                for (int off = 0; off < b.length; off += Wire.MAX_FRAME) {
                    Wire.frame(wire, type, b, off, Math.min(Wire.MAX_FRAME, b.length - off));
                }
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
