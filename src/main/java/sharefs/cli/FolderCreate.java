package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;
import sharefs.sharing.UsageMode;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a folder you own, or (admins) a project folder with --project.")
final class FolderCreate extends Leaf {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--project", paramLabel = "P", description = "Owned by this project; every member sees it") String project;
    @Option(names = "--perm", paramLabel = "P", description = "Members' permission for a project folder: view|edit|edit-delete (default edit)") String perm;
    @Option(names = "--usage", paramLabel = "MODE", description = "general|data|model (default general)") String usage;

    @Override
    int run(Context ctx) {
        Permission p = perm == null ? null : Permission.parse(perm);
        UsageMode u = usage == null ? UsageMode.GENERAL : UsageMode.parse(usage);
        FolderAccess f = ctx.sharing().folders().create(ctx.actor(), name, project, p, u);
        ctx.print(Views.folder(f), "created folder " + f.name() + " (" + f.folderId() + ")");
        return Main.OK;
    }
}
