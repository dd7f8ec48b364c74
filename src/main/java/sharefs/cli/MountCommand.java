package sharefs.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.fs.Engine;
import sharefs.fs.FsLimits;
import sharefs.fs.MountException;
import sharefs.fs.MountRequest;
import sharefs.fs.Passthrough;
import sharefs.fs.ViewMount;
import sharefs.node.Agent;
import sharefs.sharing.SharingException;
import sharefs.store.ProcessIds;

@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mount a user's home view: one directory per folder they own, accepted or get from a project.",
                "The node agent serves it (one is started when none runs); returns once the mount is live.",
                "--foreground keeps the mount attached to this command: SIGTERM/SIGINT (or its end) unmount it."})
final class MountCommand extends Leaf {
    static final String READY = "mounted:";

    @Option(names = "--user", required = true, paramLabel = "EMAIL", description = "Whose view to mount") String user;
    @Parameters(paramLabel = "MOUNTPOINT") Path mountPoint;
    @Option(names = "--uid", paramLabel = "U", description = "Owner shown for every file, and the only non-root uid allowed in (default: yours)") Long uid;
    @Option(names = "--gid", paramLabel = "G", description = "Group shown for every file (default: yours)") Long gid;
    @Option(names = "--folders", split = ",", paramLabel = "a,b", description = "Mount only these folders") List<String> folders;
    @Option(names = "--read-only", split = ",", paramLabel = "a,b", description = "Lower these folders to view for this mount") List<String> readOnly;
    @Option(names = "--foreground", description = "Stay attached; SIGTERM/SIGINT unmount") boolean foreground;
    @Option(names = "--cache-seconds", paramLabel = "S", defaultValue = "0.5", description = "How long the kernel caches names (default ${DEFAULT-VALUE}; at most 1, the one-second promise). Attributes are never cached: an open sees what another mount or machine wrote and closed") double cacheSeconds;
    @Option(names = "--max-open-files", paramLabel = "N", defaultValue = "4096", description = "Files this mount may hold open at once; beyond, open gives ENFILE (default ${DEFAULT-VALUE})") int maxOpenFiles;
    @Option(names = "--engine", paramLabel = "E", description = "The FUSE engine: kernel (the kernel protocol on /dev/fuse; needs FUSE 7.31+) or libfuse2 (jnr-fuse). "
            + "Default: the node agent's --engine, else kernel where this kernel speaks FUSE 7.31+ and libfuse2 where it does not") String engine;
    @Option(names = "--passthrough", paramLabel = "P", description = "Kernel engine only: which opens the kernel serves from the backing file with no daemon in between: owned (reads and writes in folders the user owns; writes only where storage keeps no reserve), reads (owned, plus read-only opens in shares and project folders: a descriptor open before a kick-out keeps reading) or off (default: the node agent's, owned unless it was started with another; off on libfuse2)") String passthrough;
    @Option(names = "--max-open-dirs", paramLabel = "N", defaultValue = "1024", description = "Directories this mount may hold open at once (default ${DEFAULT-VALUE})") int maxOpenDirs;

    /** The engine named by --engine; an unknown name is refused as a usage error. */
    static Engine engine(String word) {
        Engine e = Engine.named(word);
        if (e == null) throw SharingException.invalid(ENGINE_WORDS);
        return e;
    }

    static final String ENGINE_WORDS = "--engine must be kernel or libfuse2";
    static final String PASSTHROUGH_WORDS = "--passthrough must be owned, reads or off";

    /** The mode named by --passthrough; an unknown name is refused as a usage error. */
    static Passthrough passthrough(String word) {
        Passthrough p = Passthrough.named(word);
        if (p == null) throw SharingException.invalid(PASSTHROUGH_WORDS);
        return p;
    }

    /**
     * The refusal of a bad --engine or --passthrough in args, or null: checked before a node
     * agent is started for the call, so a bad value changes nothing. A passthrough the engine
     * cannot give is refused here when the engine is named; otherwise by the agent, which knows
     * its default.
     */
    static String badEngine(String[] args) {
        String engine = option(args, "--engine");
        String pt = option(args, "--passthrough");
        if (engine != null && Engine.named(engine) == null) return ENGINE_WORDS;
        if (pt != null && Passthrough.named(pt) == null) return PASSTHROUGH_WORDS;
        if (pt == null || engine == null) return null;
        return new MountRequest(null, null, 0, 0, null, List.of(), 0, null, Engine.named(engine), Passthrough.named(pt))
                .unservable();
    }

    /** The value of option name in args (--name V or --name=V), or null. */
    private static String option(String[] args, String name) {
        String found = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) break;
            if (a.startsWith(name + "=")) found = a.substring(name.length() + 1);
            else if (a.equals(name) && i + 1 < args.length) found = args[i + 1];
        }
        return found;
    }

    @Override
    int run(Context ctx) {
        Engine chosen = engine == null ? null : engine(engine);
        Passthrough pt = passthrough == null ? null : passthrough(passthrough);
        if (cacheSeconds < 0 || cacheSeconds > 1) throw SharingException.invalid("--cache-seconds must be between 0 and 1");
        if (maxOpenFiles < 1 || maxOpenFiles > 1 << 20) throw SharingException.invalid("--max-open-files must be between 1 and 1048576");
        if (maxOpenDirs < 1 || maxOpenDirs > 1 << 20) throw SharingException.invalid("--max-open-dirs must be between 1 and 1048576");
        if (uid != null && (uid < 0 || uid > 0xfffffffeL)) throw SharingException.invalid("--uid must be a uid (0-4294967294)");
        if (gid != null && (gid < 0 || gid > 0xfffffffeL)) throw SharingException.invalid("--gid must be a gid (0-4294967294)");
        Agent agent = ctx.agent();
        // Main sends every mount to a node agent, starting one; running here means it could not.
        if (agent == null) throw new IllegalStateException("mounts are served by a node agent, and none runs at " + ctx.runDir());
        String unservable = new MountRequest(null, null, 0, 0, null, List.of(), 0, null,
                chosen != null ? chosen : agent.mounts().defaultEngine(), pt).unservable();
        if (unservable != null) throw SharingException.invalid(unservable);
        Path mp = ctx.resolve(mountPoint);
        long u = uid != null ? uid : ProcessIds.euid();
        long g = gid != null ? gid : ProcessIds.egid();
        MountRequest req = new MountRequest(ctx.sharing().users().get(user).email(), mp, u, g, folders,
                readOnly == null ? List.of() : readOnly, cacheSeconds, new FsLimits(maxOpenFiles, maxOpenDirs), chosen, pt);
        ViewMount m = agent.mounts().mount(req);
        String says = "view of " + req.email() + " mounted at " + mp + " (node agent pid " + agent.pid() + ", engine "
                + m.engine().word() + ", passthrough " + m.passthroughSays() + ")";
        if (!foreground) {
            ctx.print(Views.ok("mounted"), says);
            return Main.OK;
        }
        ctx.print(Views.ok("mounted"), READY + " " + says + "; SIGTERM or SIGINT unmounts it");
        boolean hungUp = ctx.call().awaitHangUpOr(m.ended());
        if (hungUp && m.isMounted()) {
            // The command is going away: its mount goes with it, even with files still open.
            try {
                agent.mounts().unmount(mp, false);
            } catch (MountException busy) {
                agent.mounts().unmount(mp, true);
            }
        }
        ctx.print(Views.ok("unmounted"), "unmounted " + mp);
        return Main.OK;
    }
}
