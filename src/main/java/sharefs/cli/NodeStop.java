package sharefs.cli;

import picocli.CommandLine.Command;
import sharefs.node.Agent;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the node agent: every mount is unmounted (detached lazily where files are still open).")
final class NodeStop extends Leaf {
    @Override
    int run(Context ctx) {
        Agent agent = ctx.runningAgent();
        long pid = agent.pid();
        int n = agent.mounts().size();
        agent.close();
        ctx.print(Views.ok("node stop"), "stopped the node agent (pid " + pid + ") at " + ctx.runDir() + "; "
                + n + " mount(s) unmounted");
        return Main.OK;
    }
}
