package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.sharing.Permission;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Change a user's permission on a folder you own (admins: override a project folder for one member).")
final class ShareSet extends Leaf {
    @Parameters(index = "0", paramLabel = "FOLDER") String folder;
    @Parameters(index = "1", paramLabel = "EMAIL") String email;
    @Option(names = "--perm", required = true, paramLabel = "P", description = "view|edit|edit-delete (ro|rw|wd)") String perm;

    @Override
    int run(Context ctx) {
        Permission p = Permission.parse(perm);
        ctx.sharing().shares().set(ctx.actor(), folder, email, p);
        ctx.print(Views.ok("set"), "set " + email + " to " + p.label() + " on " + folder);
        return Main.OK;
    }
}
