package sharefs.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The H2 database: migrations on open, transactions that retry on write conflicts, and the
 * change counter that running mounts poll.
 */
public final class Database implements AutoCloseable {
    // H2: concurrent update (90131), deadlock (40001), lock timeout (50200), duplicate key on a
    // row another transaction is still writing shows as 90131 as well.
    private static final Set<Integer> RETRYABLE = Set.of(90131, 40001, 50200);
    private static final int MAX_ATTEMPTS = 20;
    /** The newest migration under db/migration; DatabaseTest keeps the two in step. */
    static final String SCHEMA_VERSION = "1";

    private final JdbcConnectionPool pool;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    public static Database open(String jdbcUrl) {
        LoopbackOnly.apply();
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
        pool.setMaxConnections(32);
        Database db = new Database(pool);
        if (isCurrent(pool)) return db;
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            throw new StoreException("cannot open the database " + jdbcUrl + ": " + rootMessage(e), e);
        }
        return db;
    }

    /**
     * Whether the schema is already at the newest version. Every CLI call and mount opens the
     * database; asking one question here spares them starting Flyway (most of a short command's time).
     */
    private static boolean isCurrent(JdbcConnectionPool pool) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT \"version\" FROM \"flyway_schema_history\""
                     + " WHERE \"success\" ORDER BY \"installed_rank\" DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            return false; // no history table yet: a new database, which Flyway creates
        }
    }

    /** Runs work in one transaction; the change counter is bumped first, which serialises writers. */
    public <T> T write(TxWork<T> work) {
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE change_counter SET val = val + 1 WHERE id = 1")) {
                ps.executeUpdate();
            }
            return work.run(c);
        });
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

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
