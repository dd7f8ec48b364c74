package sharefs.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's protocol on its Unix socket: one request per connection (a CLI call: its argv,
 * working directory and the home and database it names), answered by frames of stdout and
 * stderr text as the command runs (so long work shows progress), then one exit frame.
 * Every length is bounded, so a malformed request costs the agent nothing but its refusal.
 */
final class Wire {
    static final int MAGIC = 0x53464131; // "SFA1"
    static final byte OUT = 'O', ERR = 'E', EXIT = 'X';
    static final int MAX_ARGS = 1024;
    static final int MAX_STRING = 64 * 1024;
    static final int MAX_REQUEST = 1024 * 1024;
    static final int MAX_FRAME = 1024 * 1024;

    private Wire() {
    }

    static void writeRequest(DataOutputStream out, AgentRequest r) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(r.argv().size());
        for (String a : r.argv()) string(out, a);
        string(out, r.cwd());
        string(out, r.home() == null ? "" : r.home());
        string(out, r.db() == null ? "" : r.db());
        out.flush();
    }

    static AgentRequest readRequest(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) throw new IOException("not a sharefs request");
        int argc = in.readInt();
        if (argc < 0 || argc > MAX_ARGS) throw new IOException("too many arguments (" + argc + ")");
        int[] budget = {MAX_REQUEST};
        List<String> argv = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) argv.add(string(in, budget));
        String cwd = string(in, budget);
        String home = string(in, budget);
        String db = string(in, budget);
        return new AgentRequest(argv, cwd, home.isEmpty() ? null : home, db.isEmpty() ? null : db);
    }

    /** Closes one end of a call, whatever state it is in: the other end sees the call end. */
    static void closeQuietly(java.nio.channels.SocketChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // Closed already, or broken: ended either way.
        }
    }

    static void frame(DataOutputStream out, byte type, byte[] data, int off, int len) throws IOException {
        out.writeByte(type);
        out.writeInt(len);
        out.write(data, off, len);
        out.flush();
    }

    static void exit(DataOutputStream out, int code) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(4);
        out.writeInt(code);
        out.flush();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in, int[] budget) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING || n > budget[0]) throw new IOException("request too large");
        budget[0] -= n;
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One frame read by the client; null at a clean end of stream before the exit frame. */
    record Frame(byte type, byte[] data) {
        int exitCode() {
            return ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        }
    }

    static Frame readFrame(DataInputStream in) throws IOException {
        int type;
        try {
            type = in.readUnsignedByte();
        } catch (EOFException e) {
            return null;
        }
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAME || (type == EXIT && n != 4)) throw new IOException("malformed reply from the node agent");
        byte[] b = new byte[n];
        in.readFully(b);
        return new Frame((byte) type, b);
    }
}
