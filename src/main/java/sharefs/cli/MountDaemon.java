package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import sharefs.fs.NativeWarmUp;
import sharefs.store.Home;

/**
 * The main class of the daemon JVM that `sharefs mount` starts. Its arguments are a CLI call,
 * exactly as {@link MountCommand#daemonArgs} writes them ({@code --home H [--db URL] mount
 * --foreground --user=E --uid=N --gid=N ... -- MOUNTPOINT}), so an operator can read them off
 * `ps` and run the same thing by hand. They are parsed here without picocli: building even one
 * command's model by reflection, and the native warm-up waiting behind it, would cost every mount
 * a fifth of a second. The warm-up starts first, so it overlaps the database opening.
 */
public final class MountDaemon {
    private MountDaemon() {}

    public static void main(String[] args) {
        NativeWarmUp warm = NativeWarmUp.start();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        Parsed p;
        try {
            p = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("sharefs: " + e.getMessage());
            err.flush();
            System.exit(Main.USAGE);
            return;
        }
        try (Context ctx = new Context(Home.resolveDir(p.home, System.getenv()), p.db, null, false, out, err)) {
            code = p.mount.run(ctx, warm);
        } catch (Exception e) {
            code = Main.fail(e, err);
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    record Parsed(Path home, String db, MountCommand mount) {}

    static Parsed parse(String[] args) {
        Path home = null;
        String db = null;
        MountCommand m = new MountCommand();
        boolean sawMount = false;
        List<String> a = Arrays.asList(args);
        int i = 0;
        for (; i < a.size(); i++) {
            String s = a.get(i);
            if (s.equals("--")) break;
            if (!sawMount && (s.equals("--home") || s.equals("--db"))) {
                if (i + 1 >= a.size()) throw new IllegalArgumentException(s + " needs a value");
                String v = a.get(++i);
                if (s.equals("--home")) home = Path.of(v);
                else db = v;
            } else if (!sawMount && s.equals("mount")) {
                sawMount = true;
            } else if (sawMount && s.equals("--foreground")) {
                m.foreground = true;
            } else if (sawMount && s.startsWith("--") && s.contains("=")) {
                option(m, s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected daemon argument '" + s + "'");
            }
        }
        if (!sawMount || !m.foreground || m.user == null || i != a.size() - 2) {
            throw new IllegalArgumentException("usage: MountDaemon [--home H] [--db URL] mount --foreground --user=E [--opt=v ...] -- MOUNTPOINT");
        }
        m.mountPoint = Path.of(a.get(i + 1));
        return new Parsed(home, db, m);
    }

    private static void option(MountCommand m, String name, String value) {
        try {
            switch (name) {
                case "--user" -> m.user = value;
                case "--uid" -> m.uid = Long.parseLong(value);
                case "--gid" -> m.gid = Long.parseLong(value);
                case "--folders" -> m.folders = List.of(value.split(","));
                case "--read-only" -> m.readOnly = List.of(value.split(","));
                case "--poll-ms" -> m.pollMs = Long.parseLong(value);
                case "--cache-seconds" -> m.cacheSeconds = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unexpected daemon option '" + name + "'");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("daemon option " + name + " needs a number, not '" + value + "'");
        }
    }
}
