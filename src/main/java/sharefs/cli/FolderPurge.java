package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "purge", mixinStandardHelpOptions = true, description = "Remove a deleted folder's bytes for good.")
final class FolderPurge extends Leaf {
    @Parameters(paramLabel = "NAME_OR_ID") String nameOrId;

    @Override
    int run(Context ctx) {
        ctx.sharing().folders().purge(ctx.actor(), nameOrId);
        ctx.print(Views.ok("purge"), "purged " + nameOrId);
        return Main.OK;
    }
}
