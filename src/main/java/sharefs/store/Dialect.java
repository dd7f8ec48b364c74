package sharefs.store;

import java.sql.SQLException;
import java.util.Set;

/**
 * What differs between the two databases sharefs runs on. The schema and the rules' SQL are the
 * same for both; only error codes, announcements and how a pool is made differ.
 */
public enum Dialect {
    /** The embedded default, or an H2 server (tests). */
    H2,
    /** The shared metadata store of many machines. */
    POSTGRESQL;

    // H2: concurrent update (90131), deadlock (40001), lock timeout (50200); a duplicate key on a
    // row another transaction is still writing shows as 90131 as well.
    private static final Set<Integer> H2_RETRYABLE = Set.of(90131, 40001, 50200);
    // PostgreSQL: serialization failure, deadlock, lock not available.
    private static final Set<String> PG_RETRYABLE = Set.of("40001", "40P01", "55P03");

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        if (jdbcUrl.startsWith("jdbc:h2:")) return H2;
        throw new StoreException("unsupported --db " + jdbcUrl.split("[?;]", 2)[0]
                + ": sharefs speaks jdbc:postgresql://HOST:PORT/DB?user=U (or the embedded H2 default)", null);
    }

    /** What is wrong with a --db URL as given (a usage error), or null. */
    public static String problemWith(String jdbcUrl) {
        try {
            of(jdbcUrl);
        } catch (StoreException e) {
            return e.getMessage();
        }
        if (jdbcUrl.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            return "refusing a --db URL that holds a password (it would show in every process listing):"
                    + " put it in --db-password-file FILE or $SHAREFS_DB_PASSWORD";
        }
        return null;
    }

    /** Whether a transaction that failed so may simply be run again. */
    boolean retryable(SQLException e) {
        return this == H2 ? H2_RETRYABLE.contains(e.getErrorCode()) : PG_RETRYABLE.contains(e.getSQLState());
    }

    /** Whether the connection itself failed (the server went away), as opposed to the statement. */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }
}
