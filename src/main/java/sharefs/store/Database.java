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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 *
 * <p>A --db server (PostgreSQL, shared by the agents of many machines) is the operator's: its user
 * and password are theirs, and every committed write is announced on it with NOTIFY, so that
 * every machine's agent hears it at once ({@link #listen}).
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int MAX_ATTEMPTS = 20;
    /** The NOTIFY channel every committed write is announced on. */
    static final String CHANNEL = "sharefs_changes";
    /** H2's "database may be already in use" (another process holds the file). */
    public static final int IN_USE = 90020;
    /** The newest migration under db/migration; DatabaseTest keeps the two in step. */
    static final String SCHEMA_VERSION = "3";

    private final DataSource pool;
    private final AutoCloseable closer;
    private final Dialect dialect;
    private final String url;
    private final String password;
    private final List<Consumer<Change>> commitListeners = new CopyOnWriteArrayList<>();
    private volatile Announcer announcer;
    private final String applicationName;

    private Database(JdbcConnectionPool pool, String url) {
        this(pool, pool::dispose, Dialect.H2, url, null, "sharefs");
    }

    private Database(DataSource pool, AutoCloseable closer, Dialect dialect, String url, String password,
                     String applicationName) {
        this.applicationName = applicationName;
        this.pool = pool;
        this.closer = closer;
        this.dialect = dialect;
        this.url = url;
        this.password = password;
    }

    /** The home's database: the embedded H2 file, or the --db server it names. */
    public static Database open(Home home) {
        return open(home, "sharefs");
    }

    /**
     * applicationName: how this process's connections show on a server (pg_stat_activity, the
     * server's log), e.g. which machine's agent holds them.
     */
    public static Database open(Home home, String applicationName) {
        return home.embeddedDb() ? openEmbedded(home) : openServer(home.jdbcUrl(), home.dbPassword(), applicationName);
    }

    /** A database server (--db): its user and password are the operator's; migrations run as that user. */
    private static Database openServer(String url, String password, String applicationName) {
        String problem = Dialect.problemWith(url);
        if (problem != null) throw new StoreException(problem, null);
        Dialect dialect = Dialect.of(url);
        HikariDataSource pool = serverPool(url, password, dialect, applicationName);
        if (!isCurrent(pool)) migrate(pool, pool::close, url, dialect);
        return new Database(pool, pool::close, dialect, url, password, applicationName);
    }

    /**
     * A pool that fails fast: a call waits at most five seconds for a connection, so a database
     * that went away fails the call with its reason rather than hanging it.
     */
    private static HikariDataSource serverPool(String url, String password, Dialect dialect, String applicationName) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        if (dialect == Dialect.H2) cfg.setUsername(userOf(url));
        if (password != null) cfg.setPassword(password);
        cfg.setMaximumPoolSize(16);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(5_000);
        cfg.setValidationTimeout(2_000);
        cfg.setPoolName("sharefs");
        if (dialect == Dialect.POSTGRESQL) {
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("connectTimeout", "5");
            cfg.addDataSourceProperty("ApplicationName", applicationName);
        }
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the database " + printableUrl(url) + ": " + rootCause(e).getMessage(), e);
        }
    }

    /** A URL fit for a message: the part before its options, which may carry a password. */
    static String printableUrl(String url) {
        int cut = url.length();
        for (char ch : new char[] {'?', ';'}) {
            int i = url.indexOf(ch);
            if (i >= 0 && i < cut) cut = i;
        }
        return url.substring(0, cut);
    }

    private static Database openEmbedded(Home home) {
        String url = home.jdbcUrl();
        Path dbDir = home.db();
        Credentials cred = Credentials.loadOrCreate(dbDir);
        JdbcConnectionPool app = appPool(url, cred);
        // The common case, every CLI call: the application user exists and the schema is current.
        if (cred.settled() && isCurrent(app)) {
            tighten(dbDir);
            return new Database(app, url);
        }
        JdbcConnectionPool admin = adminPool(url, cred, dbDir);
        try {
            if (!isCurrent(admin)) migrate(admin, admin::dispose, url, Dialect.H2);
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
        return new Database(app, url);
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

    private static void migrate(DataSource pool, Runnable dispose, String url, Dialect dialect) {
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load();
            // Only H2 databases predate the portable schema.
            if (dialect == Dialect.H2 && LegacySchema.upgrade(pool)) flyway.repair();
            flyway.migrate();
        } catch (RuntimeException e) {
            dispose.run();
            Throwable root = rootCause(e);
            if (root instanceof SQLException se && se.getErrorCode() == IN_USE) throw inUse(url, se);
            throw new StoreException("cannot open the database " + printableUrl(url) + ": " + root.getMessage(), e);
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
    private static boolean isCurrent(DataSource pool) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT \"version\" FROM \"flyway_schema_history\""
                     + " WHERE \"success\" ORDER BY \"installed_rank\" DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            if (e.getErrorCode() == IN_USE) throw inUse("(embedded)", e);
            // No history table, or no application user yet: the administrator path sets them up.
            // A server that cannot be reached says so here, in its own words.
            if (Dialect.connectionLost(e)) throw new StoreException("cannot reach the database: " + e.getMessage(), e);
            return false;
        } catch (RuntimeException e) {
            throw new StoreException("cannot reach the database: " + rootCause(e).getMessage(), e);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Says, inside every write, whose views it touched; what announcements carry. */
    public void announceWith(Announcer announcer) {
        this.announcer = announcer;
    }

    /**
     * Runs after every write this process committed, on the writer's thread; must be quick (the
     * node agent's poke). Writes of other processes reach only {@link #listen}.
     */
    public void onCommit(Consumer<Change> listener) {
        commitListeners.add(listener);
    }

    /**
     * Hears the writes every process commits, where the database announces them (PostgreSQL's
     * NOTIFY); null where it does not (embedded H2, whose only writer is this process).
     */
    public AutoCloseable listen(ChangeFeed feed) {
        if (dialect != Dialect.POSTGRESQL) return null;
        PgChangeListener l = new PgChangeListener(url, password, applicationName + " (change listener)", feed);
        l.start();
        return l;
    }

    /** Runs work in one transaction; the change counter is bumped first, which serialises writers. */
    public <T> T write(TxWork<T> work) {
        Change[] announced = new Change[1];
        T result = transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE change_counter SET val = val + 1 WHERE id = 1")) {
                ps.executeUpdate();
            }
            T r = work.run(c);
            announced[0] = announce(c);
            return r;
        });
        Change change = announced[0];
        for (Consumer<Change> l : commitListeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                log.warn("commit listener failed: {}", e.toString());
            }
        }
        return result;
    }

    /**
     * What this write changed, and on PostgreSQL a NOTIFY of it, sent when (and only if) the
     * transaction commits, in commit order, to every agent listening.
     */
    private Change announce(Connection c) throws SQLException {
        Announcer a = announcer;
        // Nobody to tell: a one-shot CLI call on the embedded database (no agent, no NOTIFY).
        if (dialect != Dialect.POSTGRESQL && (a == null || commitListeners.isEmpty())) return null;
        long version;
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM change_counter WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            version = rs.getLong(1);
        }
        Change change = new Change(version, a == null ? null : a.touched(c, version));
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, CHANNEL);
                ps.setString(2, change.payload());
                ps.execute();
            }
        }
        return change;
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
                    if (!dialect.retryable(e)) throw e;
                    last = e;
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!dialect.retryable(e)) {
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
        try {
            closer.close();
        } catch (Exception e) {
            log.warn("closing the database pool failed: {}", e.toString());
        }
    }
}
