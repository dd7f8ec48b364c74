package sharefs.faults;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;

/**
 * A throwaway installation whose mounts are served by separate daemon JVMs (started the way
 * `sharefs mount` starts them). close() unmounts every mountpoint it made, kills any daemon still
 * running with this home in its command line, and closes the database; safe to call on failure.
 */
final class Install implements AutoCloseable {
    final Path dir;
    final Home home;
    Sharing sharing;
    private final String jdbcUrl;
    private final List<Path> mountPoints = new ArrayList<>();

    Install(Path dir) throws IOException {
        this(dir, null);
    }

    Install(Path dir, String jdbcUrl) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.dir = dir;
        this.jdbcUrl = jdbcUrl;
        this.home = new Home(dir.resolve("home"), jdbcUrl);
        home.ensureLayout();
        openDb();
    }

    void openDb() {
        sharing = new Sharing(Database.open(home.jdbcUrl()), home);
    }

    void closeDb() {
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

    /** Mounts through the CLI (a background daemon JVM); returns once live. */
    void mount(String email, Path mp) {
        synchronized (mountPoints) {
            mountPoints.add(mp);
        }
        Result r = cli("mount", "--user", email, "--uid", "0", "--gid", "0", mp.toString());
        if (r.rc != 0) throw new IllegalStateException("mount failed: " + r.err);
    }

    record Result(int rc, String out, String err) {
    }

    /** One in-process CLI call with --home (and --db) of this installation. */
    Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.dir().toString()));
        if (jdbcUrl != null) all.addAll(List.of("--db", jdbcUrl));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
        return new Result(rc, out.toString(), err.toString());
    }

    /** argv of a CLI JVM of its own (for kill -9). */
    List<String> cliProcess(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--home", home.dir().toString()));
        if (jdbcUrl != null) argv.addAll(List.of("--db", jdbcUrl));
        argv.addAll(Arrays.asList(args));
        return argv;
    }

    /** Pids of processes (daemons, CLIs) whose command line names this installation's home. */
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

    /** The daemon serving mp: a process with this home and mp in its command line. */
    long daemonPid(Path mp) {
        for (long pid : pids()) {
            String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(a -> String.join(" ", a)).orElse("");
            if (cmd.contains("--foreground") && cmd.contains(mp.toString())) return pid;
        }
        throw new AssertionError("no daemon process found for " + mp + " among " + pids());
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String daemonLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        if (Files.isDirectory(home.logs())) {
            try (var s = Files.list(home.logs())) {
                for (Path p : s.toList()) sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    /** Runs a command with a timeout; returns rc and merged output. */
    static Result run(long timeoutSec, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, new String(out, StandardCharsets.UTF_8), "timeout");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), "");
    }

    @Override
    public void close() {
        List<Path> mps;
        synchronized (mountPoints) {
            mps = new ArrayList<>(mountPoints);
        }
        for (Path mp : mps) {
            try {
                if (MountTable.find(mp).isPresent()) cli("umount", "--force", mp.toString());
            } catch (RuntimeException ignored) {
                // fall through to fusermount
            }
            if (MountTable.find(mp).isPresent()) Preflight.unmount(mp, true);
        }
        long end = System.currentTimeMillis() + 5000;
        while (!pids().isEmpty() && System.currentTimeMillis() < end) sleep(100);
        for (long pid : pids()) kill9(pid);
        for (Path mp : mps) {
            if (MountTable.find(mp).isPresent()) Preflight.unmount(mp, true);
        }
        closeDb();
    }
}
