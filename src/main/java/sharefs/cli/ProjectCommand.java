package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "project", mixinStandardHelpOptions = true, description = "Manage projects (admins).",
        subcommands = {ProjectCreate.class, ProjectAddMember.class, ProjectRemoveMember.class, ProjectList.class})
final class ProjectCommand {
}
