package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "share", mixinStandardHelpOptions = true, description = "Share folders and manage who has them.",
        subcommands = {ShareInvite.class, ShareList.class, ShareSet.class, ShareRevoke.class, ShareLeave.class})
final class ShareCommand {
}
