package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import sharefs.sharing.Share;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Who a folder you own is shared with.")
final class ShareList extends Leaf {
    @Parameters(paramLabel = "FOLDER") String folder;

    @Override
    int run(Context ctx) {
        List<Share> shares = ctx.sharing().shares().list(ctx.actor(), folder);
        ctx.print(shares.stream().map(Views::share).collect(Collectors.toList()),
                Table.of("USER", "PERMISSION", "SINCE", "VIA").rows(shares,
                        s -> new Object[] {s.email(), s.permission().label(), s.since(), s.via()}).render());
        return Main.OK;
    }
}
