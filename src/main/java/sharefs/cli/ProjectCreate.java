package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project.")
final class ProjectCreate extends Leaf {
    @Parameters(paramLabel = "NAME") String name;

    @Override
    int run(Context ctx) {
        ctx.sharing().projects().create(ctx.actorOrNull(), name);
        ctx.print(Views.ok("project create " + name), "created project " + name);
        return Main.OK;
    }
}
