package sharefs.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database: migrations on open, transactions that retry on write conflicts, the change
 * counter every write bumps, and a hook that tells the node agent a write committed.
 *
 * <p>The embedded H2 file is opened by one process at a time (the node agent, or a one-shot CLI
 * call when none runs) with no server port. Its administrator password and the application
 * user's live in db/credentials (0600); the pool connects as the application user, who may read
 * and change rows but cannot create aliases, run scripts or read and write files.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    // H2: concurrent update (90131), deadlock (40001), lock timeout (50200), duplicate key on a
    // row another transaction is still writing shows as 90131 as well.
    private static final Set<Integer> RETRYABLE = Set.of(90131, 40001, 50200);
    private static final int MAX_ATTEMPTS = 20;
    /** H2's "database may be already in use" (another process holds the file). */
    public static final int IN_USE = 90020;
    /** The newest migration under db/migration; DatabaseTest keeps the two in step. */
    static final String SCHEMA_VERSION = "2";

    private final JdbcConnectionPool pool;
    private final List<Runnable> commitListeners = new CopyOnWriteArrayList<>();

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** The home's database: the embedded H2 file, or the --db server it names. */
    public static Database open(Home home) {
        return home.embeddedDb() ? openEmbedded(home) : openServer(home.jdbcUrl(), home.dbPassword());
    }

    /** A database server (--db): its user and password are the operator's; migrations run as that user. */
    private static Database openServer(String url, String password) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, userOf(url), password == null ? "" : password);
        pool.setMaxConnections(32);
        if (!isCurrent(pool)) migrate(pool, url);
        return new Database(pool);
    }

    private static Database openEmbedded(Home home) {
        String url = home.jdbcUrl();
        Path dbDir = home.db();
        Credentials cred = Credentials.loadOrCreate(dbDir);
        JdbcConnectionPool app = appPool(url, cred);
        // The common case, every CLI call: the application user exists and the schema is current.
        if (cred.settled() && isCurrent(app)) {
            tighten(dbDir);
            return new Database(app);
        }
        JdbcConnectionPool admin = adminPool(url, cred, dbDir);
        try {
            if (!isCurrent(admin)) migrate(admin, url);
            keepAppUser(admin, cred);
            Credentials.commit(dbDir);
            // Connect the application pool before the administrator lets go, so the file stays open.
            try (Connection probe = app.getConnection()) {
                probe.isValid(1);
            }
        } catch (SQLException e) {
            app.dispose();
            throw new StoreException("cannot open the database " + url + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            app.dispose();
            throw e;
        } finally {
            admin.dispose();
        }
        tighten(dbDir);
        return new Database(app);
    }

    private static JdbcConnectionPool appPool(String url, Credentials cred) {
        // IFEXISTS: were the file missing, H2 would make a new one with this user as its administrator.
        JdbcConnectionPool pool = JdbcConnectionPool.create(url + ";IFEXISTS=TRUE", Credentials.APP_USER, cred.app());
        pool.setMaxConnections(32);
        return pool;
    }

    /**
     * The administrator's pool. A database made before passwords (user SA, empty password) gets
     * the administrator password from the credentials file here, once.
     */
    private static JdbcConnectionPool adminPool(String url, Credentials cred, Path dbDir) {
        JdbcConnectionPool admin = JdbcConnectionPool.create(url, Credentials.ADMIN_USER, cred.admin());
        try (Connection c = admin.getConnection()) {
            return admin;
        } catch (SQLException e) {
            admin.dispose();
            if (e.getErrorCode() == IN_USE) throw inUse(url, e);
            if (e.getErrorCode() != 28000) throw new StoreException("cannot open the database " + url + ": " + e.getMessage(), e);
        }
        if (cred.settled()) {
            throw new StoreException("cannot open the database " + url + ": its administrator password is not the one in "
                    + dbDir.resolve("credentials"), null);
        }
        JdbcConnectionPool legacy = JdbcConnectionPool.create(url, Credentials.ADMIN_USER, "");
        try (Connection c = legacy.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER USER " + Credentials.ADMIN_USER + " SET PASSWORD '" + cred.admin() + "'");
            log.info("the database administrator now has the password kept in {}", dbDir.resolve("credentials"));
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + url + ": " + e.getMessage(), e);
        } finally {
            legacy.dispose();
        }
        return JdbcConnectionPool.create(url, Credentials.ADMIN_USER, cred.admin());
    }

    /**
     * The application user: reads and writes rows of the schema, nothing else. And WRITE_DELAY 0
     * (kept in the database): a commit is in the file before the call returns, where H2 would
     * otherwise write it up to half a second later, so a kick-out the CLI reported survives a
     * kill -9 of the agent, and a commit that cannot be written (a full disk) fails its own call
     * rather than the store, later.
     */
    private static void keepAppUser(JdbcConnectionPool admin, Credentials cred) throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET WRITE_DELAY 0");
            // Hex passwords: nothing in them needs quoting.
            st.execute("CREATE USER IF NOT EXISTS " + Credentials.APP_USER + " PASSWORD '" + cred.app() + "'");
            st.execute("ALTER USER " + Credentials.APP_USER + " SET PASSWORD '" + cred.app() + "'");
            st.execute("ALTER USER " + Credentials.APP_USER + " ADMIN FALSE");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA PUBLIC TO " + Credentials.APP_USER);
        }
    }

    private static void migrate(JdbcConnectionPool pool, String url) {
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            Throwable root = rootCause(e);
            if (root instanceof SQLException se && se.getErrorCode() == IN_USE) throw inUse(url, se);
            throw new StoreException("cannot open the database " + url + ": " + root.getMessage(), e);
        }
    }

    static StoreException inUse(String url, SQLException e) {
        return new StoreException("the database " + url + " is in use by another process (a node agent?)", e, true);
    }

    /** Files H2 made under a looser umask (a one-shot CLI call) become the owner's alone. */
    private static void tighten(Path dbDir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dbDir)) {
            for (Path f : ds) {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) continue;
                int mode = (Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & 077) != 0) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot make the files in {} private: {}", dbDir, e.toString());
        }
    }

    /** H2's ;USER= setting of a URL, else sa. */
    private static String userOf(String url) {
        for (String part : url.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("USER")) return part.substring(eq + 1);
        }
        return "sa";
    }

    /**
     * Whether the schema is already at the newest version. Every CLI call opens the database;
     * asking one question here spares them starting Flyway (most of a short command's time).
     */
    private static boolean isCurrent(JdbcConnectionPool pool) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT \"version\" FROM \"flyway_schema_history\""
                     + " WHERE \"success\" ORDER BY \"installed_rank\" DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            if (e.getErrorCode() == IN_USE) throw inUse("(embedded)", e);
            return false; // no history table, or no application user yet: the administrator path sets them up
        }
    }

    /** Runs after every committed write, on the writer's thread; must be quick (the node agent's poke). */
    public void onCommit(Runnable listener) {
        commitListeners.add(listener);
    }

    /** Runs work in one transaction; the change counter is bumped first, which serialises writers. */
    public <T> T write(TxWork<T> work) {
        T result = transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE change_counter SET val = val + 1 WHERE id = 1")) {
                ps.executeUpdate();
            }
            return work.run(c);
        });
        for (Runnable l : commitListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("commit listener failed: {}", e.toString());
            }
        }
        return result;
    }

    /** A transaction that keeps the database tidy and changes nothing a view depends on (no counter bump, no listeners). */
    public <T> T housekeeping(TxWork<T> work) {
        return transaction(work);
    }

    /** A read-only transaction (no counter bump). */
    public <T> T read(TxWork<T> work) {
        return transaction(work);
    }

    private <T> T transaction(TxWork<T> work) {
        SQLException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    if (!RETRYABLE.contains(e.getErrorCode())) throw e;
                    last = e;
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!RETRYABLE.contains(e.getErrorCode())) {
                    throw new StoreException("database error: " + e.getMessage(), e);
                }
                last = e;
            }
            backoff(attempt);
        }
        throw new StoreException("database busy: " + (last == null ? "" : last.getMessage()), last);
    }

    public long changeCounter() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT val FROM change_counter WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is closed next; nothing was committed.
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(200, 5L << Math.min(attempt, 5)) + (long) (Math.random() * 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", e);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
