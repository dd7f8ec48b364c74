package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "umount", mixinStandardHelpOptions = true, description = "Unmount a view.")
final class UmountCommand extends Leaf {
    @Override
    int run(Context ctx) {
        throw new IllegalStateException("umount is not built yet");
    }
}
