package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "folder", mixinStandardHelpOptions = true, description = "Manage storage folders.",
        subcommands = {FolderCreate.class, FolderList.class, FolderRename.class, FolderDelete.class,
                FolderTrash.class, FolderRestore.class, FolderPurge.class})
final class FolderCommand {
}
