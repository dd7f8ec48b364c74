package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.sharing.FolderAccess;

@Command(name = "restore", mixinStandardHelpOptions = true, description = "Bring a deleted folder back (its shares do not come back).")
final class FolderRestore extends Leaf {
    @Parameters(paramLabel = "NAME_OR_ID") String nameOrId;
    @Option(names = "--as-name", paramLabel = "NEW", description = "Restore under another name") String newName;

    @Override
    int run(Context ctx) {
        FolderAccess f = ctx.sharing().folders().restore(ctx.actor(), nameOrId, newName);
        ctx.print(Views.folder(f), "restored " + f.name());
        return Main.OK;
    }
}
