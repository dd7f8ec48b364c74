package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sharefs.sharing.AuditEntry;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Every recorded change: who, what, to which folder/user, when.")
final class AuditCommand extends Leaf {
    @Option(names = "--folder", paramLabel = "F", description = "Only this folder (name or id)") String folder;

    @Override
    int run(Context ctx) {
        List<AuditEntry> es = ctx.sharing().audit().list(folder);
        ctx.print(es.stream().map(Views::audit).collect(Collectors.toList()),
                Table.of("AT", "ACTOR", "ACTION", "FOLDER", "TARGET", "DETAIL").rows(es, e -> new Object[] {
                        e.at(), e.actor(), e.action(), e.folderName(), e.target(), e.detail()}).render());
        return Main.OK;
    }
}
