package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/**
 * The change log: which users' views each committed write may have changed. A node agent reads
 * it after the change counter moves and reloads only the mounts of those users; one query per
 * change, however many mounts it serves.
 */
public final class Changes {
    /** What changed after a version: the users touched, or everyone when the log no longer reaches back. */
    public record Since(long counter, boolean everyone, Set<Long> users) {
    }

    private final Database db;

    Changes(Database db) {
        this.db = db;
    }

    /** Inside a write: this user's view may have changed. */
    static void touchUser(Connection c, long userId) throws SQLException {
        Jdbc.update(c, "INSERT INTO change_log (version, user_id, at) SELECT val, ?, ? FROM change_counter WHERE id = 1",
                userId, Jdbc.now());
    }

    /** Inside a write: the view of everyone who sees this folder (now) may have changed. */
    static void touchViewers(Connection c, String folderId) throws SQLException {
        Jdbc.update(c, "INSERT INTO change_log (version, user_id, at) SELECT cc.val, v.user_id, ?"
                + " FROM change_counter cc, view_entries v WHERE cc.id = 1 AND v.folder_id = ?", Jdbc.now(), folderId);
    }

    /** Inside a write, as it commits: the users it touched, which its announcement carries. */
    static Set<Long> touched(Connection c, long version) throws SQLException {
        return Set.copyOf(Jdbc.list(c, "SELECT DISTINCT user_id FROM change_log WHERE version = ?", rs -> rs.getLong(1), version));
    }

    /** The counter now, and whose views changed after {@code version}; one query when nothing did. */
    public Since since(long version) {
        return db.read(c -> {
            long counter = Jdbc.one(c, "SELECT val FROM change_counter WHERE id = 1", rs -> rs.getLong(1)).orElseThrow();
            if (counter == version) return new Since(counter, false, Set.of());
            long pruned = Jdbc.one(c, "SELECT version FROM change_log_pruned WHERE id = 1", rs -> rs.getLong(1)).orElse(0L);
            if (version < pruned) return new Since(counter, true, Set.of());
            List<Long> users = Jdbc.list(c, "SELECT DISTINCT user_id FROM change_log WHERE version > ? AND version <= ?",
                    rs -> rs.getLong(1), version, counter);
            return new Since(counter, false, new HashSet<>(users));
        });
    }

    /** Drops rows older than keep; returns how many. An agent that looked longer ago than that reloads everything. */
    public int prune(Duration keep) {
        Timestamp before = Timestamp.from(Instant.now().minus(keep));
        return db.housekeeping(c -> {
            Long upTo = Jdbc.one(c, "SELECT MAX(version) FROM change_log WHERE at < ?", rs -> {
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }, before).orElse(null);
            if (upTo == null) return 0;
            Jdbc.update(c, "UPDATE change_log_pruned SET version = ? WHERE id = 1 AND version < ?", upTo, upTo);
            return Jdbc.update(c, "DELETE FROM change_log WHERE version <= ?", upTo);
        });
    }
}
