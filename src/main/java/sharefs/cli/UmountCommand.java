package sharefs.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;

@Command(name = "umount", mixinStandardHelpOptions = true,
        description = "Unmount a sharefs view. Refused while files are open in it, unless --force.")
final class UmountCommand extends Leaf {
    @Parameters(paramLabel = "MOUNTPOINT") Path mountPoint;
    @Option(names = "--force", description = "Detach even while files are open (lazy unmount)") boolean force;

    @Override
    int run(Context ctx) {
        Path mp = mountPoint.toAbsolutePath().normalize();
        MountTable.Entry e = MountTable.find(mp).orElseThrow(() -> new IllegalStateException(mp + " is not mounted"));
        if (!MountTable.isSharefs(e)) throw new IllegalStateException(mp + " is not a sharefs mount (" + e.fsType() + ")");
        String err = Preflight.unmount(mp, force);
        if (err != null) {
            String why = err.contains("busy") ? "files are open in it (use --force to detach anyway)" : err;
            throw new IllegalStateException("cannot unmount " + mp + ": " + why);
        }
        // Return once the kernel no longer lists it, so the next mount on this path works at once.
        for (int i = 0; i < 500 && MountTable.find(mp).isPresent(); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ctx.print(Views.ok("umount"), "unmounted " + mp);
        return Main.OK;
    }
}
