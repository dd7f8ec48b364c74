package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import sharefs.sharing.User;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
final class UserList extends Leaf {
    @Override
    int run(Context ctx) {
        List<User> users = ctx.sharing().users().list();
        ctx.print(users.stream().map(Views::user).collect(Collectors.toList()),
                Table.of("EMAIL", "NAME", "ADMIN").rows(users, u -> new Object[] {u.email(), u.name() == null ? "" : u.name(), u.admin() ? "yes" : ""}).render());
        return Main.OK;
    }
}
