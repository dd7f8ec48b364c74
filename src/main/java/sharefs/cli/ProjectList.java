package sharefs.cli;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import sharefs.sharing.Project;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List projects and members.")
final class ProjectList extends Leaf {
    @Override
    int run(Context ctx) {
        List<Project> ps = ctx.sharing().projects().list();
        ctx.print(ps.stream().map(Views::project).collect(Collectors.toList()),
                Table.of("PROJECT", "MEMBERS").rows(ps, p -> new Object[] {p.name(), String.join(",", p.members())}).render());
        return Main.OK;
    }
}
