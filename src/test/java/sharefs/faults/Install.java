package sharefs.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import sharefs.cli.Main;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;
import sharefs.node.Agent;
import sharefs.node.RunDir;
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.InProcessCli;

/**
 * A throwaway installation and its node agent, reached the way the CLI reaches it: through its
 * socket in a run directory of its own. The agent either runs in this JVM (so tests can arrange
 * and inspect state through {@link #sharing} at any time) or in a JVM of its own, started by the
 * first `sharefs mount` exactly as for a user (for tests that kill it); then {@link #sharing}
 * is open only while no agent holds an embedded database. close() stops the agent, unmounts
 * everything it made, kills any process still running with this home in its command line, and
 * closes the database; safe to call on failure.
 */
final class Install implements AutoCloseable {
    final Path dir;
    final Home home;
    final RunDir run;
    Sharing sharing;
    private final String jdbcUrl;
    private final boolean agentInProcess;
    private Agent agent;
    private final List<Path> mountPoints = new ArrayList<>();

    /** An installation whose agent runs in this JVM. */
    static Install withAgentInProcess(Path dir) throws IOException {
        return new Install(dir, null, true, Agent.Options.DEFAULT_RESERVE);
    }

    /** An installation whose agent runs in this JVM and keeps this storage reserve (bytes). */
    static Install withAgentInProcess(Path dir, long storageReserve) throws IOException {
        return new Install(dir, null, true, storageReserve);
    }

    /** An installation whose agent is a process of its own, started by the first mount. */
    static Install withAgentProcess(Path dir) throws IOException {
        return new Install(dir, null, false, 0);
    }

    /** Over a database server (jdbcUrl); the agent is a process of its own. */
    static Install withAgentProcess(Path dir, String jdbcUrl) throws IOException {
        return new Install(dir, jdbcUrl, false, 0);
    }

    private Install(Path dir, String jdbcUrl, boolean agentInProcess, long reserve) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.dir = dir;
        this.jdbcUrl = jdbcUrl;
        this.agentInProcess = agentInProcess;
        this.home = new Home(dir.resolve("home"), jdbcUrl);
        this.run = new RunDir(dir.resolve("run"));
        home.prepare();
        if (agentInProcess) {
            agent = Agent.start(home, jdbcUrl, run, Main::runInAgent, new Agent.Options(false, reserve));
            sharing = agent.sharing();
        } else {
            openDb();
        }
    }

    /** Opens the database in this JVM (with an agent process, only while none holds an embedded one). */
    void openDb() {
        if (agentInProcess) throw new IllegalStateException("the in-process agent's database is always open");
        sharing = new Sharing(Database.open(home), home);
    }

    void closeDb() {
        if (agentInProcess) return;
        if (sharing != null) sharing.db().close();
        sharing = null;
    }

    Path mountPoint(String name) throws IOException {
        Path parent = dir.resolve("mnt");
        Files.createDirectories(parent);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mp = parent.resolve(name);
        Files.createDirectories(mp);
        Files.setPosixFilePermissions(mp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return mp;
    }

    /** Mounts through the CLI (starting an agent process if none runs); returns once live. */
    void mount(String email, Path mp) {
        synchronized (mountPoints) {
            mountPoints.add(mp);
        }
        // An agent process must be able to open an embedded database: this JVM lets go of it.
        if (!agentInProcess && jdbcUrl == null) closeDb();
        Result r = cli("mount", "--user", email, "--uid", "0", "--gid", "0", mp.toString());
        if (r.rc != 0) throw new IllegalStateException("mount failed: " + r.err);
    }

    record Result(int rc, String out, String err) {
    }

    /** One in-process CLI call with --home, --run-dir (and --db) of this installation. */
    Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.dir().toString(), "--run-dir", run.dir().toString()));
        if (jdbcUrl != null) all.addAll(List.of("--db", jdbcUrl));
        all.addAll(Arrays.asList(args));
        return main(all.toArray(new String[0]));
    }

    /** argv of a CLI JVM of its own (for kill -9). */
    List<String> cliProcess(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--home", home.dir().toString(),
                "--run-dir", run.dir().toString()));
        if (jdbcUrl != null) argv.addAll(List.of("--db", jdbcUrl));
        argv.addAll(Arrays.asList(args));
        return argv;
    }

    /** Pids of other processes (agents, CLIs) whose command line names this installation's home. */
    List<Long> pids() {
        try {
            Process p = new ProcessBuilder("pgrep", "-f", "--", "--home " + home.dir()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            List<Long> pids = new ArrayList<>();
            for (String l : out.split("\n")) {
                l = l.trim();
                if (!l.isEmpty() && l.chars().allMatch(Character::isDigit)) {
                    long pid = Long.parseLong(l);
                    if (pid != ProcessHandle.current().pid()) pids.add(pid);
                }
            }
            return pids;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The agent serving this installation's mounts: this JVM, or the process holding the run directory. */
    long agentPid() {
        if (agentInProcess) return ProcessHandle.current().pid();
        for (long pid : pids()) {
            String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(a -> String.join(" ", a)).orElse("");
            if (cmd.contains(" node --foreground") && cmd.contains(run.dir().toString())) return pid;
        }
        throw new AssertionError("no node agent process found for " + run + " among " + pids());
    }

    static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    static boolean waitGone(long pid, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) return true;
            sleep(50);
        }
        return false;
    }

    /** A condition polled until it holds; an I/O error while polling counts as "not yet". */
    interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Waits until cond holds, failing with what (and the last error, if any) once millis have
     * passed: the deadline bounds a wait, it never decides an outcome.
     */
    static void await(String what, long millis, Condition cond) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        Exception last = null;
        while (true) {
            try {
                if (cond.holds()) return;
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what + (last == null ? "" : " (last error: " + last + ")"));
            }
            sleep(10);
        }
    }

    /** The version of the view the in-process agent serves at mp (the change counter it was read at). */
    long viewVersion(Path mp) {
        if (agent == null) throw new IllegalStateException("only an in-process agent's views can be read");
        return agent.mounts().status().stream().filter(m -> m.mountPoint().equals(mp)).findFirst()
                .orElseThrow(() -> new AssertionError("the agent serves no mount at " + mp)).viewVersion();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What an agent process logged (its stderr, appended to its log: AgentLog). */
    String agentLog() throws IOException {
        Path log = sharefs.node.AgentLog.of(home, run);
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /** One in-process CLI call with exactly these arguments. */
    static Result main(String... args) {
        InProcessCli.Result r = InProcessCli.run(args);
        return new Result(r.code(), r.out(), r.err());
    }

    /** Runs a command with a timeout; returns rc and merged output. */
    static Result run(long timeoutSec, String... argv) throws IOException, InterruptedException {
        return run(timeoutSec, java.util.Map.of(), argv);
    }

    /** Runs a command with a timeout and more environment; returns rc and merged output (in out, and in err too). */
    static Result run(long timeoutSec, java.util.Map<String, String> env, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, new String(out, StandardCharsets.UTF_8), "timeout");
        }
        String merged = new String(out, StandardCharsets.UTF_8);
        return new Result(p.exitValue(), merged, merged);
    }

    @Override
    public void close() {
        List<Path> mps;
        synchronized (mountPoints) {
            mps = new ArrayList<>(mountPoints);
        }
        if (agent != null) {
            agent.close();
        } else {
            try {
                cli("node", "stop");
            } catch (RuntimeException ignored) {
                // Killed below.
            }
            long end = System.currentTimeMillis() + 5000;
            while (!pids().isEmpty() && System.currentTimeMillis() < end) sleep(100);
            for (long pid : pids()) kill9(pid);
        }
        for (Path mp : mps) {
            if (MountTable.find(mp).isPresent()) Preflight.unmount(mp, true);
        }
        closeDb();
    }
}
