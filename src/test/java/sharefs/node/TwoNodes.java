package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import sharefs.cli.Main;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;
import sharefs.store.Home;
import sharefs.testing.TestDb;
import sharefs.testing.InProcessCli;

/**
 * Two node agents in this JVM standing for two machines: each its own run directory, both the
 * same PostgreSQL database and the same home (whose storage/ a real cluster shares over NFS or
 * CephFS). Calls go through each agent's socket, as the CLI on that machine makes them.
 */
final class TwoNodes implements AutoCloseable {
    /** How long the agents' safety-net poll waits: long, so only announcements deliver a change in time. */
    static final long SLOW_POLL_MILLIS = 600_000;

    final Path dir;
    final TestDb.Installation installation;
    final Home home;
    final List<Agent> agents = new ArrayList<>();
    private final List<Path> mountPoints = new ArrayList<>();

    record Result(int rc, String out, String err) {
        @Override
        public String toString() {
            return "exit " + rc + ", out [" + out.strip() + "], err [" + err.strip() + "]";
        }
    }

    TwoNodes(Path dir, int nodes, long pollMillis) throws IOException {
        TestDb.serverUrl(); // simulated machines share a server: say so plainly when there is none
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.dir = dir;
        this.installation = TestDb.fresh(dir.resolve("home"));
        this.home = installation.home();
        home.prepare();
        try {
            for (int i = 1; i <= nodes; i++) {
                agents.add(Agent.start(home, installation.url(), runDir(i), Main::runInAgent,
                        new Agent.Options(false, 0, pollMillis)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    RunDir runDir(int node) {
        return new RunDir(dir.resolve("run" + node));
    }

    Agent agent(int node) {
        return agents.get(node - 1);
    }

    /** sharefs --home H --run-dir RUN<node> --db URL --db-password-file F ARGS... */
    Result cli(int node, String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.dir().toString(), "--run-dir", runDir(node).dir().toString()));
        all.addAll(List.of(args));
        InProcessCli.Result r = InProcessCli.run(installation.withGlobals(all.toArray(String[]::new)));
        return new Result(r.code(), r.out(), r.err());
    }

    Result ok(int node, String... args) {
        Result r = cli(node, args);
        assertEquals(0, r.rc(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    /** Through node 1: the users, and owner's folder with this name. */
    void usersAndFolder(String owner, String other, String folder) {
        ok(1, "user", "add", owner);
        ok(1, "user", "add", other);
        ok(1, "--as", owner, "folder", "create", folder);
    }

    /** Mounts email's view on node, for the session uid, and returns the mountpoint. */
    Path mount(int node, String email, int uid, String name) throws IOException {
        return mount(node, email, uid, name, null);
    }

    /** As {@link #mount(int, String, int, String)}, on engine (kernel, libfuse2; null: the agent's default). */
    Path mount(int node, String email, int uid, String name, String engine) throws IOException {
        Path mp = Files.createDirectories(dir.resolve(name));
        synchronized (mountPoints) {
            mountPoints.add(mp);
        }
        List<String> args = new ArrayList<>(List.of("mount", "--user", email, "--uid", Integer.toString(uid),
                "--gid", Integer.toString(uid)));
        if (engine != null) args.addAll(List.of("--engine", engine));
        args.add(mp.toString());
        ok(node, args.toArray(String[]::new));
        return mp;
    }

    List<Path> mountPoints() {
        synchronized (mountPoints) {
            return List.copyOf(mountPoints);
        }
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            try {
                a.close();
            } catch (RuntimeException e) {
                System.err.println("stopping an agent: " + e);
            }
        }
        for (Path mp : mountPoints()) {
            if (MountTable.find(mp).isPresent()) Preflight.unmount(mp, true);
        }
    }
}
