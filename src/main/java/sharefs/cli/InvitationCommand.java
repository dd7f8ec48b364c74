package sharefs.cli;

import picocli.CommandLine.Command;

@Command(name = "invitation", mixinStandardHelpOptions = true, description = "Invitations you received or sent.",
        subcommands = {InvitationList.class, InvitationAccept.class, InvitationReject.class, InvitationCancel.class})
final class InvitationCommand {
}
