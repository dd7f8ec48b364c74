package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.sharing.InviteOutcome;
import sharefs.sharing.Permission;

@Command(name = "invite", mixinStandardHelpOptions = true,
        description = "Invite users to a folder you own. Exit 1 if any invitee was refused (the others are still invited).")
final class ShareInvite extends Leaf {
    @Parameters(paramLabel = "FOLDER") String folder;
    @Option(names = "--to", required = true, paramLabel = "EMAIL") List<String> to;
    @Option(names = "--perm", required = true, paramLabel = "P", description = "view|edit|edit-delete (ro|rw|wd)") String perm;

    @Override
    int run(Context ctx) {
        Permission p = Permission.parse(perm);
        List<InviteOutcome> outcomes = ctx.sharing().invitations().invite(ctx.actor(), folder, to, p);
        StringBuilder text = new StringBuilder();
        for (InviteOutcome o : outcomes) {
            if (o.invited()) text.append("invited ").append(o.email()).append(" to ").append(folder)
                    .append(" with ").append(p.label()).append(" (invitation ").append(o.invitationId()).append(")\n");
            else text.append("refused ").append(o.email()).append(": ").append(o.reason()).append('\n');
        }
        ctx.print(outcomes.stream().map(Views::outcome).collect(Collectors.toList()), text.toString().stripTrailing());
        List<String> refused = outcomes.stream().filter(o -> !o.invited())
                .map(o -> o.email() + " (" + o.reason() + ")").collect(Collectors.toList());
        if (refused.isEmpty()) return Main.OK;
        // One line on stderr however many were refused; stdout above lists every outcome.
        ctx.err("sharefs: " + refused.size() + " of " + outcomes.size() + " not invited: " + String.join("; ", refused));
        return Main.REFUSED;
    }
}
