package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import sharefs.sharing.FolderAccess;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Every folder in your view and your access to it.")
final class FolderList extends Leaf {
    @Override
    int run(Context ctx) {
        List<FolderAccess> fs = ctx.sharing().folders().view(ctx.actor());
        ctx.print(fs.stream().map(Views::folder).collect(Collectors.toList()),
                Table.of("NAME", "OWNER", "PERMISSION", "USAGE", "ID")
                        .rows(fs, f -> new Object[] {f.name(), f.ownerLabel(), f.accessLabel(), f.usage().label(), f.folderId()})
                        .render());
        return Main.OK;
    }
}
