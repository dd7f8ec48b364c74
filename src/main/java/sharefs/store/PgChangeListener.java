package sharefs.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears PostgreSQL's announcements of committed writes (LISTEN) on a connection of its own, and
 * reconnects with backoff when the server goes away. Notifications sent while it is disconnected
 * are lost for good, so after every (re)connect it tells its listener to re-read everything.
 */
final class PgChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);
    /** How often the connection is proven alive when no notification arrives (a silent peer). */
    private static final long PROBE_MILLIS = 2_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final String url;
    private final String password;
    private final ChangeFeed listener;
    private final String applicationName;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;

    PgChangeListener(String url, String password, String applicationName, ChangeFeed listener) {
        this.applicationName = applicationName;
        this.url = url;
        this.password = password;
        this.listener = listener;
        this.thread = new Thread(this::run, "sharefs-db-listener");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long backoff = 0;
        long lostAt = 0;
        while (!closed) {
            try (Connection c = connect()) {
                current = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Database.CHANNEL);
                }
                if (lostAt != 0) {
                    log.info("listening for database changes again after {} ms; every mount re-reads its view",
                            (System.nanoTime() - lostAt) / 1_000_000);
                }
                lostAt = 0;
                backoff = 0;
                listener.resumed();
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                if (lostAt == 0) {
                    lostAt = System.nanoTime();
                    log.warn("lost the database's change announcements ({}); mounts keep their last snapshot"
                            + " (never wider) while the agent reconnects", oneLine(e));
                }
                listener.lost(oneLine(e));
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff == 0 ? 100 : backoff * 2);
                sleep(backoff);
            } finally {
                current = null;
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastProbe = System.nanoTime();
        while (!closed) {
            PGNotification[] ns = pg.getNotifications((int) PROBE_MILLIS);
            if (ns != null) {
                for (PGNotification n : ns) {
                    Change ch = Change.parse(n.getParameter());
                    if (ch != null) listener.changed(ch);
                    else log.warn("ignoring a malformed change announcement");
                }
            }
            if (System.nanoTime() - lastProbe >= PROBE_MILLIS * 1_000_000L) {
                // getNotifications does not notice a server that vanished without a word.
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
                lastProbe = System.nanoTime();
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (password != null) p.setProperty("password", password);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "15");
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(url, p);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).lines().findFirst().orElse("");
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing is all that is left to do.
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
