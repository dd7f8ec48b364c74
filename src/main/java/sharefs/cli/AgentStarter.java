package sharefs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import sharefs.store.Home;
import sharefs.node.AgentLog;
import sharefs.store.StoreException;

/**
 * Starts a node agent in the background (`sharefs node`, or the first `sharefs mount` when none
 * runs): its own JVM in its own session, sized for a long-running daemon, its stderr appended to
 * its log under the home's logs/ ({@link AgentLog}). Returns once the agent says it serves, or prints its reason.
 */
final class AgentStarter {
    static final String READY = "node agent ready:";
    /** The log is started afresh past this size; the previous one is kept as agent.log.1 (or its own name's .1). */
    private static final long LOG_ROTATE_BYTES = 16L << 20;

    private AgentStarter() {
    }

    static Path logOf(Route route) {
        return AgentLog.of(new Home(route.home(), route.db()), route.runDir());
    }

    /** Starts one; true once it is ready (or another agent won the run directory meanwhile). */
    static boolean start(Route route, PrintWriter err) {
        return start(route, List.of(), err);
    }

    /** nodeOptions: options of `node` for the agent (e.g. --storage-reserve). */
    static boolean start(Route route, List<String> nodeOptions, PrintWriter err) {
        Home home = new Home(route.home(), route.db());
        Path log = logOf(route);
        try {
            home.prepare();
            rotate(log);
        } catch (StoreException | IOException e) {
            err.println("sharefs: cannot start a node agent: " + e.getMessage());
            err.flush();
            return false;
        }
        List<String> argv = new ArrayList<>();
        // setsid --fork: the agent is the grandchild, so it is never this process's child; init
        // reaps it, even when this CLI runs inside another JVM (the tests).
        argv.add("setsid");
        argv.add("--fork");
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(jvmOptions());
        argv.addAll(classDataSharing());
        // For operators and profiling (e.g. -XX:StartFlightRecording=...): appended, so they win.
        String extra = System.getenv("SHAREFS_AGENT_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) argv.addAll(List.of(extra.trim().split("\\s+")));
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(Main.class.getName());
        argv.addAll(List.of("--home", home.dir().toString()));
        if (route.db() != null) argv.addAll(List.of("--db", route.db()));
        if (route.dbPasswordFile() != null) {
            argv.addAll(List.of("--db-password-file", route.dbPasswordFile().toAbsolutePath().toString()));
        }
        argv.addAll(List.of("--run-dir", route.runDir().dir().toString(), "node", "--foreground"));
        argv.addAll(nodeOptions);
        long logStart = sizeOf(log);
        String ready = null;
        try (DetachedProcess p = DetachedProcess.start(argv, log)) {
            int forked = p.reap();
            if (forked != 0) throw new IOException("setsid --fork exited with " + forked);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))) {
                // The JVM itself may print first (e.g. a flight recording's banner): wait for our line.
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (l.startsWith(READY)) {
                        ready = l;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            err.println("sharefs: cannot start a node agent: " + e.getMessage());
            err.flush();
            return false;
        }
        if (ready != null) return true;
        String why = lastError(log, logStart);
        // Two calls that each started an agent at once: one has the run directory, and serves both.
        if (why.startsWith("a node agent already runs at")) return true;
        err.println("sharefs: the node agent could not start: " + why);
        err.flush();
        return false;
    }

    /**
     * An agent JVM: one per machine, serving every mount. The heap holds per-mount state
     * (views, open-file tables, directory handles) of a few hundred KiB each at most, so 256 MiB
     * leaves room for hundreds of mounts; it starts small.
     */
    static List<String> jvmOptions() {
        return List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=64m",
                "-XX:MaxMetaspaceSize=128m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
                "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8");
    }

    /**
     * The class-data-sharing archive scripts/sharefs trains once per build and names in
     * -Dsharefs.cds: it cuts the agent JVM's start. Run without the launcher, the agent starts
     * without one.
     */
    private static List<String> classDataSharing() {
        String trained = System.getProperty("sharefs.cds");
        if (trained == null || !Files.isRegularFile(Path.of(trained))) return List.of();
        return List.of("-XX:SharedArchiveFile=" + trained, "-Xshare:auto", "-Xlog:cds=off", "-Dsharefs.cds=" + trained);
    }

    private static void rotate(Path log) throws IOException {
        if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long sizeOf(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** This agent's last "sharefs:" line, or the last line it logged (the log is appended to from offset from). */
    private static String lastError(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(Math.max(0, from), all.length);
            List<String> lines = new String(all, start, all.length - start, StandardCharsets.UTF_8).lines().toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("sharefs: ")) return lines.get(i).substring(9);
            }
            return lines.isEmpty() ? "it exited without a word (see " + log + ")" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "it exited; no log at " + log;
        }
    }
}
