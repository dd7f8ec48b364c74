package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Who changed what, when; written in the same transaction as the change. */
public final class AuditLog {
    private final Database db;

    AuditLog(Database db) {
        this.db = db;
    }

    static void record(Connection c, User actor, String action, Folder folder, String target, String detail)
            throws SQLException {
        Jdbc.update(c, "INSERT INTO audit (at, actor, action, folder_id, folder_name, target, detail) VALUES (?,?,?,?,?,?,?)",
                Jdbc.now(), actor == null ? "operator" : actor.email(), action,
                folder == null ? null : folder.id(), folder == null ? null : folder.name(), target, detail);
    }

    /** Entries, oldest first; for one folder (by current or past name, or id) when given. */
    public List<AuditEntry> list(String folder) {
        return db.read(c -> {
            String sql = "SELECT * FROM audit";
            Object[] args = {};
            if (folder != null) {
                sql += " WHERE folder_id = ? OR folder_name = ? OR folder_id IN (SELECT id FROM folders WHERE name = ?)";
                args = new Object[] {folder, folder, folder};
            }
            return Jdbc.list(c, sql + " ORDER BY id", rs -> new AuditEntry(rs.getLong("id"),
                    Lookups.instant(rs.getTimestamp("at")), rs.getString("actor"), rs.getString("action"),
                    rs.getString("folder_id"), rs.getString("folder_name"), rs.getString("target"),
                    rs.getString("detail")), args);
        });
    }
}
