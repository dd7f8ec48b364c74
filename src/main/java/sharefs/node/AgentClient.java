package sharefs.node;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;

/**
 * The CLI's side of the agent's socket: sends one call and prints the agent's answer as it
 * comes. Nothing else is loaded on this path, so a forwarded CLI call costs a JVM start and
 * little more.
 */
public final class AgentClient implements AutoCloseable {
    private final RunDir run;
    private final SocketChannel channel;

    private AgentClient(RunDir run, SocketChannel channel) {
        this.run = run;
        this.channel = channel;
    }

    /**
     * Connects to the agent of this run directory; null when none listens there (no socket, or
     * one a dead agent left). Throws when one is there but this user may not reach it.
     */
    public static AgentClient connect(RunDir run) throws AgentUnreachable {
        try {
            Files.readAttributes(run.socket(), java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            // The run directory is root's alone: an agent may well be there, but not for this user.
            throw new AgentUnreachable("only root may talk to the node agent at " + run);
        } catch (IOException e) {
            return null;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(run.socket()));
            return new AgentClient(run, ch);
        } catch (ConnectException | NoSuchFileException e) {
            Wire.closeQuietly(ch);
            return null; // a socket file with nobody behind it: no agent
        } catch (AccessDeniedException e) {
            Wire.closeQuietly(ch);
            throw new AgentUnreachable("only root may talk to the node agent at " + run);
        } catch (IOException e) {
            Wire.closeQuietly(ch);
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) throw new AgentUnreachable("only root may talk to the node agent at " + run);
            if (m.contains("Connection refused") || m.contains("No such file")) return null;
            throw new AgentUnreachable("cannot reach the node agent at " + run + ": " + m);
        }
    }

    /** Whether an agent answers at this run directory. */
    public static boolean isRunning(RunDir run) {
        try (AgentClient c = connect(run)) {
            return c != null;
        } catch (AgentUnreachable e) {
            return true;
        }
    }

    /**
     * Sends the call and copies the agent's stdout and stderr frames to out and err as they come;
     * returns the exit code. A call cut off before its exit frame (the agent died) says so on err.
     */
    public int call(AgentRequest request, PrintWriter out, PrintWriter err) {
        try {
            DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            try {
                Wire.writeRequest(w, request);
            } catch (IOException refusedBeforeReading) {
                // The agent may have answered without reading the call (a refusal): read what it said.
            }
            DataInputStream r = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            while (true) {
                Wire.Frame f = Wire.readFrame(r);
                if (f == null) {
                    err.println("sharefs: the node agent at " + run + " ended the call without an answer (did it stop? see its log)");
                    err.flush();
                    return 1;
                }
                if (f.type() == Wire.EXIT) {
                    out.flush();
                    err.flush();
                    return f.exitCode();
                }
                PrintWriter to = f.type() == Wire.ERR ? err : out;
                to.print(new String(f.data(), StandardCharsets.UTF_8));
                to.flush();
            }
        } catch (IOException e) {
            err.println("sharefs: the call to the node agent at " + run + " broke: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /**
     * Tells the agent this caller is going (a foreground mount's SIGTERM): the agent sees the
     * end of the call's input, unmounts and answers; call() then returns.
     */
    public void hangUp() {
        try {
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // Closed already: the agent has seen the end too.
        }
    }

    @Override
    public void close() {
        Wire.closeQuietly(channel);
    }


    /** An agent is there but this caller cannot talk to it. */
    public static final class AgentUnreachable extends Exception {
        public AgentUnreachable(String message) {
            super(message);
        }
    }
}
