package sharefs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.sharing.User;

@Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user (emails are case-insensitive).")
final class UserAdd extends Leaf {
    @Parameters(paramLabel = "EMAIL") String email;
    @Option(names = "--name", paramLabel = "N") String name;
    @Option(names = "--admin", description = "May manage projects and project folders") boolean admin;

    @Override
    int run(Context ctx) {
        User u = ctx.sharing().users().add(ctx.actorOrNull(), email, name, admin);
        ctx.print(Views.user(u), "added user " + u.email() + (u.admin() ? " (admin)" : ""));
        return Main.OK;
    }
}
