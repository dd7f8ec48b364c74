package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Kick a user out of a folder you own.")
final class ShareRevoke extends Leaf {
    @Parameters(index = "0", paramLabel = "FOLDER") String folder;
    @Parameters(index = "1", paramLabel = "EMAIL") String email;

    @Override
    int run(Context ctx) {
        ctx.sharing().shares().revoke(ctx.actor(), folder, email);
        ctx.print(Views.ok("revoke"), "kicked " + email + " out of " + folder);
        return Main.OK;
    }
}
