package sharefs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import sharefs.store.Database;
import sharefs.store.Home;

/**
 * The database a test's installation uses. By default the embedded H2 file under the home; when
 * scripts/test runs the suite again against its throwaway PostgreSQL server
 * (SHAREFS_TEST_PG_URL, SHAREFS_TEST_PG_PASSWORD_FILE from scripts/pg-cluster), a fresh database
 * on it per installation, copied from a template that was migrated once.
 */
public final class TestDb {
    private static final String PG_URL = System.getenv("SHAREFS_TEST_PG_URL");
    private static final String PG_PASSWORD_FILE = System.getenv("SHAREFS_TEST_PG_PASSWORD_FILE");

    /** An installation: its home, and the global options that make a CLI call use the same database. */
    public record Installation(Home home, List<String> globalArgs, String url) {
        public String[] withGlobals(String... args) {
            List<String> all = new ArrayList<>(globalArgs);
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        }
    }

    private TestDb() {
    }

    /** Whether this run is the PostgreSQL run. */
    public static boolean postgres() {
        return PG_URL != null && !PG_URL.isBlank();
    }

    /** The server's superuser URL (no password in it) and its password, for tests that need the server itself. */
    public static String serverUrl() {
        requirePostgres();
        return PG_URL;
    }

    public static String serverPassword() {
        requirePostgres();
        try {
            return Files.readString(Path.of(PG_PASSWORD_FILE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read SHAREFS_TEST_PG_PASSWORD_FILE: " + e, e);
        }
    }

    public static Path passwordFile() {
        requirePostgres();
        return Path.of(PG_PASSWORD_FILE);
    }

    /** The scripts/pg-cluster directory of the server (tests that stop and start it). */
    public static Path clusterDir() {
        requirePostgres();
        String dir = System.getenv("SHAREFS_TEST_PG_DIR");
        if (dir == null) throw new IllegalStateException("SHAREFS_TEST_PG_DIR is not set (scripts/pg-cluster env)");
        return Path.of(dir);
    }

    private static void requirePostgres() {
        if (!postgres()) {
            throw new IllegalStateException("this test needs the PostgreSQL run: SHAREFS_TEST_PG_URL is not set"
                    + " (scripts/test starts a server with scripts/pg-cluster)");
        }
    }

    /** A fresh installation at dir: the embedded database, or a new PostgreSQL database. */
    public static Installation fresh(Path dir) {
        if (!postgres()) return new Installation(new Home(dir, null), List.of(), null);
        String url = Template.INSTANCE.newDatabase();
        Home home = new Home(dir, url, serverPassword());
        return new Installation(home, List.of("--db", url, "--db-password-file", PG_PASSWORD_FILE), url);
    }

    /** The same as fresh(dir).home(). */
    public static Home home(Path dir) {
        return fresh(dir).home();
    }

    /** A database URL on the test server: the superuser's URL with another database name. */
    public static String urlOf(String database) {
        int slash = PG_URL.indexOf('/', "jdbc:postgresql://".length());
        int query = PG_URL.indexOf('?', slash);
        return PG_URL.substring(0, slash + 1) + database + (query < 0 ? "" : PG_URL.substring(query));
    }

    /** An administrative connection to the test server's maintenance database. */
    public static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("password", serverPassword());
        return DriverManager.getConnection(PG_URL, p);
    }

    /** One migrated database per test JVM, copied for every installation (CREATE DATABASE ... TEMPLATE). */
    private static final class Template {
        static final Template INSTANCE = new Template();
        private final String name = "sharefs_template_" + ProcessHandle.current().pid();

        private Template() {
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name);
                st.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make the template database: " + e.getMessage(), e);
            }
            // Migrate it the way sharefs does, then let go of it: a template must have no connections.
            Path scratch;
            try {
                scratch = Files.createTempDirectory("sharefs-template");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try (Database db = Database.open(new Home(scratch, urlOf(name), serverPassword()))) {
                db.changeCounter();
            } finally {
                try {
                    Files.deleteIfExists(scratch);
                } catch (IOException ignored) {
                    // An empty temp directory left behind.
                }
            }
        }

        synchronized String newDatabase() {
            String db = "sharefs_t_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + db + " TEMPLATE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make a test database: " + e.getMessage(), e);
            }
            return urlOf(db);
        }
    }
}
