package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import sharefs.sharing.Invitation;

@Command(name = "accept", mixinStandardHelpOptions = true, description = "Accept an invitation (the folder appears in your view).")
final class InvitationAccept extends Leaf {
    @Parameters(paramLabel = "ID") long id;

    @Override
    int run(Context ctx) {
        Invitation i = ctx.sharing().invitations().accept(ctx.actor(), id);
        ctx.print(Views.invitation(i), "invitation " + i.id() + " (" + i.folderName() + " from " + i.inviter() + "): " + i.state());
        return Main.OK;
    }
}
