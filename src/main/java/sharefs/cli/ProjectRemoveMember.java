package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Remove a user from a project.")
final class ProjectRemoveMember extends Leaf {
    @Parameters(index = "0", paramLabel = "NAME") String project;
    @Parameters(index = "1", paramLabel = "EMAIL") String email;

    @Override
    int run(Context ctx) {
        ctx.sharing().projects().removeMember(ctx.actorOrNull(), project, email);
        ctx.print(Views.ok("remove-member"), "removed " + email + " from project " + project);
        return Main.OK;
    }
}
