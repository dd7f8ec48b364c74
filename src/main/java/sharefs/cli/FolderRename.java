package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a folder you own.")
final class FolderRename extends Leaf {
    @Parameters(index = "0", paramLabel = "OLD") String oldName;
    @Parameters(index = "1", paramLabel = "NEW") String newName;

    @Override
    int run(Context ctx) {
        ctx.sharing().folders().rename(ctx.actor(), oldName, newName);
        ctx.print(Views.ok("rename"), "renamed " + oldName + " to " + newName);
        return Main.OK;
    }
}
