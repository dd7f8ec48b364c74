package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "mount", mixinStandardHelpOptions = true, description = "Mount a user's home view (FUSE).")
final class MountCommand extends Leaf {
    @Override
    int run(Context ctx) {
        throw new IllegalStateException("mount is not built yet");
    }
}
