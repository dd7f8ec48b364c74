package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import sharefs.sharing.Invitation;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an invitation you sent.")
final class InvitationCancel extends Leaf {
    @Parameters(paramLabel = "ID") long id;

    @Override
    int run(Context ctx) {
        Invitation i = ctx.sharing().invitations().cancel(ctx.actor(), id);
        ctx.print(Views.invitation(i), "invitation " + i.id() + " (" + i.folderName() + " from " + i.inviter() + "): " + i.state());
        return Main.OK;
    }
}
