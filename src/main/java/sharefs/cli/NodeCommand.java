package sharefs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sharefs.node.Agent;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run the node agent: the one process of this machine that serves every mount and holds the database.",
                "It takes calls from root on a socket under --run-dir. Without --foreground it starts in the background and "
                        + "returns once it serves; `sharefs mount` starts one itself when none runs."},
        subcommands = {NodeStatus.class, NodeStop.class})
final class NodeCommand extends Leaf {
    @Option(names = "--foreground", description = "Stay attached (for systemd); SIGTERM stops the agent and unmounts everything")
    boolean foreground;

    @Option(names = "--storage-reserve", paramLabel = "SIZE", defaultValue = "128M",
            description = "Room kept free on the storage filesystem for the database and logs, when they share it "
                    + "(writes through mounts get ENOSPC below it); 0 turns it off (default ${DEFAULT-VALUE})")
    String storageReserve;

    @Option(names = "--engine", paramLabel = "E",
            description = "The FUSE engine of mounts that do not name one: kernel or libfuse2 (default: kernel where this "
                    + "kernel speaks FUSE 7.31 or newer, else libfuse2)")
    String engine;

    @Option(names = "--passthrough", paramLabel = "P", defaultValue = "owned",
            description = "The passthrough of kernel-engine mounts that do not name one: owned, reads or off "
                    + "(see `sharefs mount --help`; default ${DEFAULT-VALUE})")
    String passthrough;

    @Option(names = "--io-uring", paramLabel = "on|off", defaultValue = "on",
            description = "Kernel-engine mounts take requests through FUSE over io_uring (Linux 6.14+): one queue per CPU, "
                    + "so a request is served on the CPU that made it. on turns the fuse module's enable_uring on "
                    + "(/sys/module/fuse/parameters/enable_uring) at the first such mount; a kernel without it serves "
                    + "through the device; off leaves the parameter as it is (default ${DEFAULT-VALUE})")
    String ioUring;

    @Override
    int run(Context ctx) {
        sharefs.fs.Engine defaultEngine = engine == null ? null : MountCommand.engine(engine);
        sharefs.fs.Passthrough defaultPassthrough = MountCommand.passthrough(passthrough);
        boolean uring = onOff("--io-uring", ioUring);
        if (ctx.agent() != null) {
            throw new IllegalStateException("a node agent already runs at " + ctx.runDir() + " (pid " + ctx.agent().pid() + ")");
        }
        if (sharefs.node.AgentClient.isRunning(ctx.runDir())) {
            throw new IllegalStateException("a node agent already runs at " + ctx.runDir());
        }
        Sizes.parse("--storage-reserve", storageReserve);
        if (!foreground) {
            Route route = new Route("node", null, false, ctx.home().dir(), true, ctx.jdbcUrlOrNull(),
                    ctx.dbPasswordFileOrNull(), ctx.runDir());
            java.util.List<String> options = new java.util.ArrayList<>(
                    java.util.List.of("--storage-reserve", storageReserve, "--passthrough", passthrough, "--io-uring", ioUring));
            if (engine != null) options.addAll(java.util.List.of("--engine", engine));
            if (!AgentStarter.start(route, options, ctx.err())) return Main.REFUSED;
            ctx.print(Views.ok("node"), "node agent started at " + ctx.runDir() + " (log " + AgentStarter.logOf(route) + ")");
            return Main.OK;
        }
        Agent agent = Agent.start(ctx.home(), ctx.jdbcUrlOrNull(), ctx.runDir(), Main::runInAgent,
                new Agent.Options(true, Sizes.parse("--storage-reserve", storageReserve)));
        agent.mounts().defaultEngine(defaultEngine);
        agent.mounts().defaultPassthrough(defaultPassthrough);
        agent.mounts().uring(uring);
        ctx.out().println(AgentStarter.READY + " pid " + ProcessHandle.current().pid() + ", socket " + ctx.runDir().socket()
                + ", home " + ctx.home().dir());
        ctx.out().flush();
        agent.awaitStop();
        agent.awaitCallsAnswered(5_000);
        return Main.OK;
    }

    static boolean onOff(String option, String v) {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw sharefs.sharing.SharingException.invalid(option + " must be on or off, not " + v);
        };
    }
}
