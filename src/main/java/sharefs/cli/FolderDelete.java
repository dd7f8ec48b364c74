package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a folder you own: it leaves every view and its bytes move to trash.")
final class FolderDelete extends Leaf {
    @Parameters(paramLabel = "NAME") String name;

    @Override
    int run(Context ctx) {
        ctx.sharing().folders().delete(ctx.actor(), name);
        ctx.print(Views.ok("delete"), "deleted " + name + " (moved to trash; see folder trash / folder restore)");
        return Main.OK;
    }
}
