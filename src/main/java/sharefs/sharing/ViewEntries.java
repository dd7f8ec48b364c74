package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import sharefs.store.Jdbc;

/**
 * Keeps the view_entries table: which folders each user sees, under which name. Its unique key
 * (user, name) is what makes the name-clash rule hold under concurrent transactions.
 */
final class ViewEntries {
    private ViewEntries() {
    }

    /** The folder another than {@code exceptFolder} that this user sees under this name, if any. */
    static Optional<String> clash(Connection c, long userId, String name, String exceptFolder) throws SQLException {
        return Jdbc.one(c, "SELECT folder_id FROM view_entries WHERE user_id = ? AND name = ? AND folder_id <> ?",
                rs -> rs.getString(1), userId, name, exceptFolder);
    }

    static void add(Connection c, User user, Folder folder) throws SQLException {
        if (clash(c, user.id(), folder.name(), folder.id()).isPresent()) {
            throw clashError(user, folder.name());
        }
        try {
            // Update, else insert: portable SQL, and safe because writers are serialised.
            if (Jdbc.update(c, "UPDATE view_entries SET name = ? WHERE user_id = ? AND folder_id = ?",
                    folder.name(), user.id(), folder.id()) == 0) {
                Jdbc.update(c, "INSERT INTO view_entries (user_id, folder_id, name) VALUES (?, ?, ?)",
                        user.id(), folder.id(), folder.name());
            }
            Changes.touchUser(c, user.id());
        } catch (SQLException e) {
            if (Jdbc.isDuplicateKey(e)) throw clashError(user, folder.name());
            throw e;
        }
    }

    static SharingException clashError(User user, String name) {
        return SharingException.conflict(user.email() + " already sees a folder named '" + name + "'");
    }

    static void remove(Connection c, long userId, String folderId) throws SQLException {
        Jdbc.update(c, "DELETE FROM view_entries WHERE user_id = ? AND folder_id = ?", userId, folderId);
        Changes.touchUser(c, userId);
    }

    static void removeFolder(Connection c, String folderId) throws SQLException {
        Changes.touchViewers(c, folderId);
        Jdbc.update(c, "DELETE FROM view_entries WHERE folder_id = ?", folderId);
    }

    static List<Long> viewers(Connection c, String folderId) throws SQLException {
        return Jdbc.list(c, "SELECT user_id FROM view_entries WHERE folder_id = ?", rs -> rs.getLong(1), folderId);
    }

    /** Renames the folder in every view, refusing (and naming who) if anyone already sees NEW. */
    static void rename(Connection c, Folder folder, String newName) throws SQLException {
        for (long viewer : viewers(c, folder.id())) {
            if (clash(c, viewer, newName, folder.id()).isPresent()) {
                throw SharingException.conflict("cannot rename '" + folder.name() + "' to '" + newName + "': "
                        + Lookups.userById(c, viewer).email() + " already sees a folder named '" + newName + "'");
            }
        }
        try {
            Jdbc.update(c, "UPDATE view_entries SET name = ? WHERE folder_id = ?", newName, folder.id());
            Changes.touchViewers(c, folder.id());
        } catch (SQLException e) {
            if (Jdbc.isDuplicateKey(e)) {
                throw SharingException.conflict("cannot rename '" + folder.name() + "' to '" + newName
                        + "': someone who sees it already sees a folder named '" + newName + "'");
            }
            throw e;
        }
    }
}
