package sharefs.node;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Unix socket. It answers only its own user (root): the peer's credentials come
 * from the kernel (SO_PEERCRED), and anyone else gets one line of refusal. Each call runs on a
 * thread of its own, so a slow command (a mount, a long purge, an attached foreground mount)
 * never holds up a `share revoke`.
 */
final class AgentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentServer.class);
    /** A caller that connects and says nothing is dropped after this. */
    private static final long REQUEST_DEADLINE_SECONDS = 30;

    interface Handler {
        int handle(AgentRequest request, AgentCall call);
    }

    private final RunDir run;
    private final Handler handler;
    private final AtomicInteger callNumber = new AtomicInteger();
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sharefs-agent-call-" + callNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sharefs-agent-deadlines");
        t.setDaemon(true);
        return t;
    });
    private ServerSocketChannel server;
    private UserPrincipal owner;
    private volatile boolean closed;
    private int active;

    AgentServer(RunDir run, Handler handler) {
        this.run = run;
        this.handler = handler;
    }

    /** Binds the socket (0600) and starts accepting. The caller holds the run directory's lock. */
    void start() throws IOException {
        // Holding the lock, a socket file still here is a dead agent's.
        Files.deleteIfExists(run.socket());
        owner = Files.getOwner(run.dir());
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(run.socket()), 128);
        Files.setPosixFilePermissions(run.socket(), PosixFilePermissions.fromString("rw-------"));
        Thread acceptor = new Thread(this::acceptLoop, "sharefs-agent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                synchronized (this) {
                    active++;
                }
                calls.execute(() -> {
                    try {
                        serve(ch);
                    } finally {
                        synchronized (this) {
                            active--;
                            notifyAll();
                        }
                    }
                });
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) return;
                log.warn("accepting a call failed: {}", e.toString());
                sleepQuietly(50);
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) {
                log.warn("refused a call from {}: the agent answers {} only", peer.user().getName(), owner.getName());
                refuse(w, "the node agent at " + run + " answers " + owner.getName() + " only (you are "
                        + peer.user().getName() + ")");
                return;
            }
            ScheduledFuture<?> deadline;
            try {
                deadline = deadlines.schedule(() -> Wire.closeQuietly(ch), REQUEST_DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                refuse(w, "the node agent at " + run + " is stopping");
                return;
            }
            AgentRequest request;
            try {
                request = Wire.readRequest(new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch))));
            } catch (IOException e) {
                if (ch.isOpen()) refuse(w, "the node agent could not read the call: " + e.getMessage());
                return;
            } finally {
                deadline.cancel(false);
            }
            AgentCall call = new AgentCall(ch, w);
            int code;
            try {
                code = handler.handle(request, call);
            } catch (Throwable t) {
                log.error("a call failed inside the agent: {}", request.argv(), t);
                call.err().println("sharefs: internal error in the node agent: " + t);
                code = 1;
            }
            call.exit(code);
        } catch (IOException e) {
            // The caller went away mid-call; the command itself has finished or will.
            log.debug("a caller hung up: {}", e.toString());
        }
    }

    private static void refuse(DataOutputStream w, String why) throws IOException {
        byte[] line = ("sharefs: " + why + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Wire.frame(w, Wire.ERR, line, 0, line.length);
        Wire.exit(w, 1);
    }


    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (at most millis) until every call taken has been answered; false if some still run. */
    synchronized boolean awaitIdle(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (active > 0) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    /** Stops accepting and removes the socket; calls in progress finish on their own threads. */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) server.close();
            Files.deleteIfExists(run.socket());
        } catch (IOException e) {
            log.warn("closing the agent socket: {}", e.toString());
        }
        deadlines.shutdownNow();
        calls.shutdown();
    }
}
