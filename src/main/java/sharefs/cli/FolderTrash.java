package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import sharefs.sharing.TrashedFolder;

@Command(name = "trash", mixinStandardHelpOptions = true, description = "List your deleted folders.")
final class FolderTrash extends Leaf {
    @Override
    int run(Context ctx) {
        List<TrashedFolder> ts = ctx.sharing().folders().trash(ctx.actor());
        ctx.print(ts.stream().map(Views::trashed).collect(Collectors.toList()),
                Table.of("NAME", "OWNER", "DELETED", "ID").rows(ts, t -> new Object[] {t.name(), t.owner(), t.deletedAt(), t.id()}).render());
        return Main.OK;
    }
}
