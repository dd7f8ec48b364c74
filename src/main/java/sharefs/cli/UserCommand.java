package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
        subcommands = {UserAdd.class, UserList.class})
final class UserCommand {
}
