package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sharefs.node.AgentClient;
import sharefs.node.AgentClient.AgentUnreachable;
import sharefs.node.AgentRequest;
import sharefs.node.RunDir;

/** A CLI call made through the node agent: connect (starting an agent for a mount), send, print the answer. */
final class AgentCalls {
    /** How long a call waits for an agent that is starting. */
    private static final long AGENT_WAIT_MILLIS = 30_000;

    private AgentCalls() {
    }

    /**
     * The exit code of the call made through the agent of route's run directory, or null when
     * none runs there and this call may run here (anything but a mount, which starts one).
     */
    static Integer viaAgent(Route route, String[] args, PrintWriter out, PrintWriter err) {
        try {
            AgentClient found = AgentClient.connect(route.runDir());
            if (found == null && route.startsAgent()) {
                // The agent would start in this very environment: a machine that cannot mount is
                // told so here, in one line, rather than by an agent that fails to start.
                String bad = MountCommand.badEngine(args);
                if (bad != null) {
                    err.println("sharefs: " + bad);
                    err.flush();
                    return Main.USAGE;
                }
                try {
                    sharefs.fs.Preflight.checkFuse();
                } catch (sharefs.fs.MountException e) {
                    err.println("sharefs: " + e.getMessage());
                    err.flush();
                    return Main.REFUSED;
                }
                if (!AgentStarter.start(route, err)) return Main.REFUSED;
                found = connectWaiting(route.runDir());
                if (found == null) {
                    err.println("sharefs: the node agent started for " + route.runDir() + " does not answer; see "
                            + AgentStarter.logOf(route));
                    err.flush();
                    return Main.REFUSED;
                }
            }
            if (found == null) return null;
            try (AgentClient c = found) {
                return forward(c, route, args, out, err);
            }
        } catch (AgentUnreachable e) {
            err.println("sharefs: " + e.getMessage());
            err.flush();
            return Main.REFUSED;
        }
    }

    /** Connects, waiting a while for an agent that is on its way up; null if none came. */
    static AgentClient connectWaiting(RunDir run) throws AgentUnreachable {
        long deadline = System.currentTimeMillis() + AGENT_WAIT_MILLIS;
        while (true) {
            AgentClient c = AgentClient.connect(run);
            if (c != null || System.currentTimeMillis() > deadline) return c;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static int forward(AgentClient c, Route route, String[] args, PrintWriter out, PrintWriter err) {
        AgentRequest req = new AgentRequest(Arrays.asList(args), Path.of("").toAbsolutePath().toString(),
                route.homeExplicit() ? route.home().toString() : null, route.db());
        if (!attached(route, args)) return c.call(req, out, err);
        // A foreground mount stays attached: SIGTERM/SIGINT end this JVM, and on the way out it
        // hangs up, so the agent unmounts, and waits for the agent to say it did.
        CountDownLatch answered = new CountDownLatch(1);
        Thread hangUp = new Thread(() -> {
            c.hangUp();
            try {
                answered.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sharefs-hang-up");
        Runtime.getRuntime().addShutdownHook(hangUp);
        try {
            return c.call(req, out, err);
        } finally {
            answered.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hangUp);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it has just been answered.
            }
        }
    }

    /** `mount --foreground`: the call lasts as long as the mount. */
    private static boolean attached(Route route, String[] args) {
        List<String> a = Arrays.asList(args);
        int dd = a.indexOf("--");
        List<String> opts = dd < 0 ? a : a.subList(0, dd);
        return "mount".equals(route.command()) && opts.contains("--foreground");
    }
}
