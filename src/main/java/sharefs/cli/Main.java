package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import sharefs.sharing.SharingException;
import sharefs.store.Home;
import sharefs.store.StoreException;

@Command(name = "sharefs", mixinStandardHelpOptions = true, version = "sharefs 0.1",
        description = "Shared storage folders, enforced on a FUSE mount.",
        subcommands = {UserCommand.class, ProjectCommand.class, FolderCommand.class, ShareCommand.class,
                InvitationCommand.class, AuditCommand.class, MountCommand.class, UmountCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
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
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("sharefs: " + oneLine(ex.getMessage()) + " (see --help)");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> main.fail(ex));
        try {
            return cl.execute(args);
        } finally {
            if (main.context != null) main.context.close();
        }
    }

    private int fail(Exception ex) {
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
