package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "leave", mixinStandardHelpOptions = true, description = "Stop seeing a folder shared with you.")
final class ShareLeave extends Leaf {
    @Parameters(paramLabel = "FOLDER") String folder;

    @Override
    int run(Context ctx) {
        ctx.sharing().shares().leave(ctx.actor(), folder);
        ctx.print(Views.ok("leave"), "left " + folder);
        return Main.OK;
    }
}
