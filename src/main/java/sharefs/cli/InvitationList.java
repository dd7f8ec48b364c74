package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import sharefs.sharing.Invitation;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Invitations you received and sent, newest first.")
final class InvitationList extends Leaf {
    @Override
    int run(Context ctx) {
        String me = ctx.actor();
        List<Invitation> inv = ctx.sharing().invitations().list(me);
        ctx.print(inv.stream().map(Views::invitation).collect(Collectors.toList()),
                Table.of("ID", "DIRECTION", "FOLDER", "FROM", "TO", "PERMISSION", "STATE").rows(inv, i -> new Object[] {
                        i.id(), i.invitee().equalsIgnoreCase(me) ? "received" : "sent", i.folderName(), i.inviter(),
                        i.invitee(), i.permission().label(), i.state()}).render());
        return Main.OK;
    }
}
