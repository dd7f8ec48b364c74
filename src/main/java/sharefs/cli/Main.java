package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import sharefs.sharing.SharingException;
import sharefs.store.Home;
import sharefs.store.StoreException;

@Command(name = "sharefs", mixinStandardHelpOptions = true, version = "sharefs 0.1",
        description = "Shared storage folders, enforced on a FUSE mount.")
public final class Main {
    /**
     * The top-level commands, in the order help lists them. picocli builds a command's whole model
     * by reflection when it is added; building all of them costs a third of a second, which every
     * call (and every mount's daemon) would pay, so {@link #commandLine} adds only the one named.
     */
    private static final Map<String, Class<?>> COMMANDS = commands();
    /** Global options that take a value, which the search for the command name skips. */
    private static final Set<String> VALUED_GLOBALS = Set.of("--home", "--db", "--as");

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Installation directory (default: $SHAREFS_HOME, else ~/.local/share/sharefs)")
    Path home;

    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "JDBC_URL",
            description = "Database URL (default: the H2 file under --home)")
    String db;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts")
    boolean json;

    @Option(names = "--as", scope = ScopeType.INHERIT, paramLabel = "EMAIL", description = "Act as this user")
    String as;

    private final PrintWriter out;
    private final PrintWriter err;
    private Context context;

    Main(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    Context context() {
        if (context == null) {
            context = new Context(Home.resolveDir(home, System.getenv()), db, as, json, out, err);
        }
        return context;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one invocation; what tests call in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main(out, err);
        if ("mount".equals(commandName(args))) DetachedProcess.prepareInBackground();
        CommandLine cl = commandLine(main, args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("sharefs: " + oneLine(ex.getMessage()) + " (see --help)");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> fail(ex, err));
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
        Class<?> only = name == null || name.equals("help") ? null : COMMANDS.get(name);
        if (only != null) {
            cl.addSubcommand(name, only);
        } else {
            COMMANDS.forEach(cl::addSubcommand);
        }
        return cl;
    }

    /** The first word of args that is neither a global option nor its value; null if none. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) return null;
            if (VALUED_GLOBALS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
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
                || ex instanceof sharefs.fs.MountException) {
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
