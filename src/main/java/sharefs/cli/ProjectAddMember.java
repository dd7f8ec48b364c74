package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add a user to a project; they see its folders.")
final class ProjectAddMember extends Leaf {
    @Parameters(index = "0", paramLabel = "NAME") String project;
    @Parameters(index = "1", paramLabel = "EMAIL") String email;

    @Override
    int run(Context ctx) {
        ctx.sharing().projects().addMember(ctx.actorOrNull(), project, email);
        ctx.print(Views.ok("add-member"), "added " + email + " to project " + project);
        return Main.OK;
    }
}
