package sharefs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import sharefs.node.Agent;
import sharefs.node.AgentCall;
import sharefs.node.AgentRequest;
import sharefs.sharing.SharingException;
import sharefs.store.Home;
import sharefs.store.StoreException;

@Command(name = "sharefs", mixinStandardHelpOptions = true, version = "sharefs 0.1",
        description = {"Shared storage folders, enforced on a FUSE mount.",
                "With a node agent running (sharefs node), every command is served by it; without one, "
                        + "mount starts one and other commands open the database for one call."})
public final class Main {
    /**
     * The top-level commands, in the order help lists them. picocli builds a command's whole model
     * by reflection when it is added; building all of them costs a third of a second, which every
     * call (and every mount's daemon) would pay, so {@link #commandLine} adds only the one named.
     */
    private static final class Commands {
        /** Loaded only when picocli runs: a call forwarded to the node agent never loads picocli at all. */
        static final Map<String, Class<?>> ALL = commands();
    }

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Installation directory (default: $SHAREFS_HOME, else ~/.local/share/sharefs)")
    Path home;

    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "JDBC_URL",
            description = "Database URL (default: the H2 file under --home)")
    String db;

    @Option(names = "--db-password-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding the --db password (else $SHAREFS_DB_PASSWORD); never on a command line")
    Path dbPasswordFile;

    @Option(names = "--run-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The node agent's socket and state (default: $SHAREFS_RUN_DIR, else /run/sharefs)")
    Path runDir;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts")
    boolean json;

    @Option(names = "--as", scope = ScopeType.INHERIT, paramLabel = "EMAIL", description = "Act as this user")
    String as;

    private final PrintWriter out;
    private final PrintWriter err;
    /** Set when this call runs inside the node agent. */
    private final Agent agent;
    private final AgentCall call;
    private final Path cwd;
    private Context context;
    /** A one-shot call found the embedded database held by another process. */
    private boolean databaseHeld;
    /** How long a one-shot call waits for the embedded database. */
    private static final long DATABASE_WAIT_MILLIS = 30_000;

    Main(PrintWriter out, PrintWriter err) {
        this(out, err, null, null, null);
    }

    private Main(PrintWriter out, PrintWriter err, Agent agent, AgentCall call, Path cwd) {
        this.out = out;
        this.err = err;
        this.agent = agent;
        this.call = call;
        this.cwd = cwd;
    }

    Context context() {
        if (context == null) {
            if (agent != null) {
                context = Context.inAgent(agent, call, cwd, as, json);
            } else {
                String dbProblem = db == null ? null : sharefs.store.Dialect.problemWith(db);
                if (dbProblem != null) throw SharingException.invalid(dbProblem);
                Path dir = Home.resolveDir(home, System.getenv());
                context = Context.local(new Home(dir, db, db == null ? null : dbPassword()), db, dbPasswordFile,
                        sharefs.node.RunDir.resolve(runDir, System.getenv()), as, json, out, err);
            }
        }
        return context;
    }

    /** The --db password: --db-password-file, else $SHAREFS_DB_PASSWORD, else none. */
    private String dbPassword() {
        if (dbPasswordFile != null) {
            try {
                return Files.readString(dbPasswordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new SharingException(SharingException.Kind.INVALID, "cannot read --db-password-file "
                        + dbPasswordFile + ": " + e.getMessage());
            }
        }
        return System.getenv("SHAREFS_DB_PASSWORD");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one invocation; what tests call in-process. With a node agent at the run directory the
     * call goes to it; without one, mount starts one and anything else runs here, once.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Route route = Route.of(args, System.getenv());
        if (!route.local()) {
            Integer viaAgent = AgentCalls.viaAgent(route, args, out, err);
            if (viaAgent != null) return viaAgent;
        }
        long deadline = System.currentTimeMillis() + DATABASE_WAIT_MILLIS;
        while (true) {
            Main main = new Main(out, err);
            int code = execute(main, args, out, err);
            if (!main.databaseHeld) return code;
            // Another process holds the embedded database: a node agent (perhaps starting: then
            // the call goes to it) or another one-shot call (then this one waits its turn).
            Integer viaAgent = AgentCalls.viaAgent(route, args, out, err);
            if (viaAgent != null) return viaAgent;
            if (System.currentTimeMillis() > deadline) {
                err.println("sharefs: the database is held by another process, and no node agent answers at " + route.runDir());
                err.flush();
                return REFUSED;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return REFUSED;
            }
        }
    }

    /** Runs one call that a client sent to the node agent, inside the agent. */
    public static int runInAgent(AgentRequest request, AgentCall call, Agent agent) {
        Main main = new Main(call.out(), call.err(), agent, call, Path.of(request.cwd()));
        return execute(main, request.argv().toArray(new String[0]), call.out(), call.err());
    }

    private static int execute(Main main, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(main, args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("sharefs: " + oneLine(ex.getMessage()) + " (see --help)");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (main.agent == null && ex instanceof StoreException se && se.inUse()) {
                main.databaseHeld = true;
                return REFUSED;
            }
            return fail(ex, err);
        });
        try {
            return cl.execute(args);
        } finally {
            if (main.context != null) main.context.close();
        }
    }

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("user", UserCommand.class);
        m.put("project", ProjectCommand.class);
        m.put("folder", FolderCommand.class);
        m.put("share", ShareCommand.class);
        m.put("invitation", InvitationCommand.class);
        m.put("audit", AuditCommand.class);
        m.put("mount", MountCommand.class);
        m.put("umount", UmountCommand.class);
        m.put("node", NodeCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The command line with the one command args name, or with all of them when args name none
     * or one that does not exist (so help, usage and picocli's "did you mean" are unchanged).
     */
    static CommandLine commandLine(Main main, String[] args) {
        CommandLine cl = new CommandLine(main);
        String name = commandName(args);
        Class<?> only = name == null || name.equals("help") ? null : Commands.ALL.get(name);
        if (only != null) {
            cl.addSubcommand(name, only);
        } else {
            Commands.ALL.forEach(cl::addSubcommand);
        }
        return cl;
    }

    /** The first word of args that is neither a global option nor its value; null if none. */
    static String commandName(String[] args) {
        return Route.of(args, Map.of()).command();
    }

    /** One line on err for a command that failed; the exit code for it. */
    static int fail(Exception ex, PrintWriter err) {
        int code;
        String message;
        if (ex instanceof SharingException se) {
            code = se.kind() == SharingException.Kind.INVALID ? USAGE : REFUSED;
            message = se.getMessage();
        } else if (ex instanceof Context.MissingActorException) {
            code = USAGE;
            message = ex.getMessage();
        } else if (ex instanceof StoreException || ex instanceof IllegalStateException
                || ex instanceof sharefs.fs.MountException || ex instanceof Agent.AgentException) {
            code = REFUSED;
            message = ex.getMessage();
        } else {
            code = REFUSED;
            message = "internal error: " + ex;
            ex.printStackTrace(err);
        }
        err.println("sharefs: " + oneLine(message));
        err.flush();
        return code;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
    }
}
