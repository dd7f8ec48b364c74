package sharefs.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import sharefs.node.RunDir;
import sharefs.store.Home;

/**
 * Where a CLI call goes, read off its arguments before picocli (which the forwarded path never
 * loads): help stays here; with a node agent running everything else goes to it; without one a
 * mount starts one, and other commands open the database themselves for one call.
 */
record Route(String command, String subcommand, boolean help, Path home, boolean homeExplicit, String db, Path dbPasswordFile,
             RunDir runDir) {
    /** Global options that take a value, which the search for the command name skips. */
    static final Set<String> VALUED_GLOBALS = Set.of("--home", "--db", "--as", "--run-dir", "--db-password-file");
    private static final Set<String> HELP = Set.of("--help", "-h", "--version", "-V");

    static Route of(String[] args, Map<String, String> env) {
        String command = null;
        String subcommand = null;
        boolean help = false;
        Path home = null;
        String db = null;
        Path runDir = null;
        Path passwordFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) break;
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (VALUED_GLOBALS.contains(name)) {
                if (value == null) value = i + 1 < args.length ? args[++i] : null;
                if (value == null) continue;
                switch (name) {
                    case "--home" -> home = Path.of(value);
                    case "--db" -> db = value;
                    case "--run-dir" -> runDir = Path.of(value);
                    case "--db-password-file" -> passwordFile = Path.of(value);
                    default -> { }
                }
            } else if (HELP.contains(a)) {
                help = true;
            } else if (!a.startsWith("-")) {
                if (command == null) command = a;
                else if (subcommand == null) subcommand = a;
            }
        }
        boolean explicit = home != null || (env.get("SHAREFS_HOME") != null && !env.get("SHAREFS_HOME").isBlank());
        Path resolvedHome = Home.resolveDir(home, env).toAbsolutePath().normalize();
        return new Route(command, subcommand, help || "help".equals(command), resolvedHome, explicit, db, passwordFile,
                RunDir.resolve(runDir, env));
    }

    /** Answered here whatever runs: help, version, the usage of a bare `sharefs`, and starting an agent. */
    boolean local() {
        return help || command == null || (command.equals("node") && subcommand == null);
    }

    /** Commands that need a node agent, starting one if none runs. */
    boolean startsAgent() {
        return "mount".equals(command);
    }
}
