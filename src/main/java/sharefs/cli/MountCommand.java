package sharefs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.fs.MountRequest;
import sharefs.fs.NativeWarmUp;
import sharefs.fs.Preflight;
import sharefs.fs.ViewMount;

@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mount a user's home view: one directory per folder they own, accepted or get from a project.",
                "Returns once the mount is live; the daemon keeps running in the background (--foreground stays attached)."})
final class MountCommand extends Leaf {
    @Option(names = "--user", required = true, paramLabel = "EMAIL", description = "Whose view to mount") String user;
    @Parameters(paramLabel = "MOUNTPOINT") Path mountPoint;
    @Option(names = "--uid", paramLabel = "U", description = "Owner shown for every file, and the only non-root uid allowed in (default: yours)") Long uid;
    @Option(names = "--gid", paramLabel = "G", description = "Group shown for every file (default: yours)") Long gid;
    @Option(names = "--folders", split = ",", paramLabel = "a,b", description = "Mount only these folders") List<String> folders;
    @Option(names = "--read-only", split = ",", paramLabel = "a,b", description = "Lower these folders to view for this mount") List<String> readOnly;
    @Option(names = "--foreground", description = "Stay attached; SIGTERM/SIGINT unmount") boolean foreground;
    // Defaults are also the field initialisers: MountDaemon fills the fields without picocli.
    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "100", description = "How often the view checks for changes (default ${DEFAULT-VALUE})") long pollMs = 100;
    @Option(names = "--cache-seconds", paramLabel = "S", defaultValue = "0.5", description = "Kernel attribute/entry cache (default ${DEFAULT-VALUE}; keep under 1 for the one-second promise)") double cacheSeconds = 0.5;

    @Override
    int run(Context ctx) {
        return run(ctx, null);
    }

    /** warm: a native warm-up the daemon started before anything else, or null to start one here. */
    int run(Context ctx, NativeWarmUp warm) {
        if (pollMs < 10 || pollMs > 1000) throw new sharefs.sharing.SharingException(
                sharefs.sharing.SharingException.Kind.INVALID, "--poll-ms must be between 10 and 1000");
        if (cacheSeconds < 0 || cacheSeconds > 1) throw new sharefs.sharing.SharingException(
                sharefs.sharing.SharingException.Kind.INVALID, "--cache-seconds must be between 0 and 1");
        Path mp = mountPoint.toAbsolutePath().normalize();
        long u = uid != null ? uid : Ids.current("-u");
        long g = gid != null ? gid : Ids.current("-g");
        if (!foreground) return new Daemonizer(ctx).spawn(this, mp, u, g);
        if (warm == null) warm = NativeWarmUp.start();
        MountRequest req = new MountRequest(ctx.sharing().users().get(user).email(), mp, u, g, folders,
                readOnly == null ? List.of() : readOnly, pollMs, cacheSeconds);
        ViewMount m = ViewMount.mount(ctx.sharing(), req, warm);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            m.close();
            done.countDown();
        }, "sharefs-unmount"));
        ctx.print(Views.ok("mounted"), Daemonizer.READY + " view of " + req.email() + " mounted at " + mp
                + " (pid " + ProcessHandle.current().pid() + ")");
        m.awaitUnmount();
        m.close();
        return Main.OK;
    }

    /** The arguments the background daemon is started with: this command, in the foreground. */
    List<String> daemonArgs(Context ctx, Path mp, long u, long g) {
        List<String> a = new ArrayList<>();
        a.add("--home");
        a.add(ctx.home().dir().toString());
        if (ctx.jdbcUrlOrNull() != null) {
            a.add("--db");
            a.add(ctx.jdbcUrlOrNull());
        }
        a.add("mount");
        a.add("--foreground");
        a.add("--user=" + user);
        a.add("--uid=" + u);
        a.add("--gid=" + g);
        if (folders != null && !folders.isEmpty()) a.add("--folders=" + String.join(",", folders));
        if (readOnly != null && !readOnly.isEmpty()) a.add("--read-only=" + String.join(",", readOnly));
        a.add("--poll-ms=" + pollMs);
        a.add("--cache-seconds=" + cacheSeconds);
        a.add("--");
        a.add(mp.toString());
        return a;
    }

    /**
     * Refusals the parent can give at once, before starting a daemon. The database is left to the
     * daemon (an unknown user is its first refusal, relayed by the parent): opening it here too
     * would cost every mount a second open and an AUTO_SERVER hand-over.
     */
    void precheck(Path mp) {
        Preflight.check(mp);
    }
}
