package sharefs.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;

@Command(name = "umount", mixinStandardHelpOptions = true,
        description = "Unmount a sharefs view. Refused while files are open in it, unless --force.")
final class UmountCommand extends Leaf {
    @Parameters(paramLabel = "MOUNTPOINT") Path mountPoint;
    @Option(names = "--force", description = "Detach even while files are open, and abort the mount's FUSE connection:"
            + " a call stuck on it returns, and nothing is served through it any more") boolean force;

    @Override
    int run(Context ctx) {
        Path mp = ctx.resolve(mountPoint);
        if (ctx.agent() != null) {
            ctx.agent().mounts().unmount(mp, force);
        } else {
            unmountWithoutAgent(ctx, mp);
        }
        ctx.print(Views.ok("umount"), "unmounted " + mp);
        return Main.OK;
    }

    /** No agent runs: a sharefs mount can only be one a dead agent left (ENOTCONN), which is cleaned up. */
    private void unmountWithoutAgent(Context ctx, Path mp) {
        Optional<MountTable.Entry> e = MountTable.find(mp);
        if (e.isEmpty()) throw new IllegalStateException(mp + " is not mounted");
        if (!MountTable.isSharefs(e.get())) throw new IllegalStateException(mp + " is not a sharefs mount (" + e.get().fsType() + ")");
        if (!Preflight.isStale(mp)) {
            throw new IllegalStateException(mp + " is served by a sharefs process that is not a node agent at " + ctx.runDir());
        }
        String err = Preflight.unmount(mp, true);
        if (err != null) throw new IllegalStateException("cannot unmount the dead mount " + mp + ": " + err);
    }
}
