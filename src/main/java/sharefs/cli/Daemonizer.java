package sharefs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the mount daemon as its own JVM in its own session, sized for a long-running daemon,
 * and waits for it to say the mount is live; if it dies first, its reason is printed instead.
 */
final class Daemonizer {
    static final String READY = "mounted:";

    private final Context ctx;

    Daemonizer(Context ctx) {
        this.ctx = ctx;
    }

    int spawn(MountCommand cmd, Path mp, long uid, long gid) {
        cmd.precheck(mp);
        Path logs = ctx.home().logs();
        Path log;
        try {
            Files.createDirectories(logs);
            log = logs.resolve("mount-" + Integer.toHexString(mp.toString().hashCode()) + ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + logs + ": " + e.getMessage());
        }
        List<String> argv = new ArrayList<>();
        // setsid --fork: the daemon is the grandchild, so it is never this process's child. The
        // intermediate exits at once and is reaped below; the daemon, orphaned, belongs to init,
        // which reaps it when it ends, even when this CLI runs inside another JVM (the tests).
        argv.add("setsid");
        argv.add("--fork");
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(jvmOptions());
        argv.addAll(classDataSharing());
        // For operators and profiling (e.g. -XX:StartFlightRecording=...): appended, so they win.
        String extra = System.getenv("SHAREFS_DAEMON_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) argv.addAll(List.of(extra.trim().split("\\s+")));
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(MountDaemon.class.getName());
        argv.addAll(cmd.daemonArgs(ctx, mp, uid, gid));
        long logStart = sizeOf(log);
        String line = null;
        try (DetachedProcess p = DetachedProcess.start(argv, log)) {
            int forked = p.reap();
            if (forked != 0) throw new IOException("setsid --fork exited with " + forked);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))) {
                // The JVM itself may print first (e.g. a flight recording's banner): wait for our line.
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (l.startsWith(READY)) {
                        line = l;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the mount daemon: " + e.getMessage());
        }
        if (line != null && line.startsWith(READY)) {
            ctx.print(Views.ok("mounted"), line.substring(READY.length()).trim().replace(")", ", log " + log + ")"));
            return Main.OK;
        }
        ctx.err("sharefs: mount failed: " + lastError(log, logStart));
        return Main.REFUSED;
    }

    /**
     * The class-data-sharing archive scripts/sharefs trains once per build and names in
     * -Dsharefs.cds: it cuts the daemon JVM's start, most of a mount's time. Run without the
     * launcher, the daemon starts without one.
     */
    private static List<String> classDataSharing() {
        String trained = System.getProperty("sharefs.cds");
        if (trained == null || !Files.isRegularFile(Path.of(trained))) return List.of();
        return List.of("-XX:SharedArchiveFile=" + trained, "-Xshare:auto", "-Xlog:cds=off");
    }

    private static long sizeOf(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A daemon JVM: a small heap (the default sizing reaches gigabytes), UTF-8 names. It starts
     * at 32 MiB, whose young generation is all a FUSE request's garbage needs: over a 15,000-file
     * tar -x that doubled the young collections (43 to 89, 0.12 s in all either way) and left
     * ~10 MB less resident than a 64 MiB start.
     */
    static List<String> jvmOptions() {
        return List.of("-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=64m",
                "-XX:MaxMetaspaceSize=96m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
                "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8");
    }

    /** This daemon's last "sharefs:" line, or the last line it logged (the log is appended to from offset from). */
    private static String lastError(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(Math.max(0, from), all.length);
            List<String> lines = new String(all, start, all.length - start, StandardCharsets.UTF_8).lines().toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("sharefs: ")) return lines.get(i).substring(9);
            }
            return lines.isEmpty() ? "the daemon exited without a word (see " + log + ")" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "the daemon exited; no log at " + log;
        }
    }
}
