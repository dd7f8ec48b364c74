package sharefs.sharing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sharefs.store.Jdbc;

/** Finders used inside transactions; each throws a clear refusal when the thing is missing. */
final class Lookups {
    static final String FOLDER_COLUMNS =
            "f.id, f.name, f.owner_user_id, f.owner_project_id, f.project_perm, f.usage_mode, f.state, f.created_at, f.deleted_at";

    private Lookups() {
    }

    static User mapUser(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("email"), rs.getString("name"), rs.getBoolean("admin"));
    }

    static Folder mapFolder(ResultSet rs) throws SQLException {
        long ou = rs.getLong("owner_user_id");
        Long ownerUser = rs.wasNull() ? null : ou;
        long op = rs.getLong("owner_project_id");
        Long ownerProject = rs.wasNull() ? null : op;
        String pp = rs.getString("project_perm");
        return new Folder(rs.getString("id"), rs.getString("name"), ownerUser, ownerProject,
                pp == null ? null : Permission.fromDb(pp), UsageMode.parse(rs.getString("usage_mode")),
                rs.getString("state"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("deleted_at")));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static Optional<User> findUser(Connection c, String email) throws SQLException {
        return Jdbc.one(c, "SELECT * FROM users WHERE email = ?", Lookups::mapUser, email);
    }

    static User user(Connection c, String email) throws SQLException {
        String normalized = Names.email(email);
        return findUser(c, normalized).orElseThrow(() -> SharingException.notFound("no such user: " + normalized));
    }

    static User userById(Connection c, long id) throws SQLException {
        return Jdbc.one(c, "SELECT * FROM users WHERE id = ?", Lookups::mapUser, id)
                .orElseThrow(() -> new IllegalStateException("user " + id + " vanished"));
    }

    static long projectId(Connection c, String name) throws SQLException {
        return Jdbc.one(c, "SELECT id FROM projects WHERE name = ?", rs -> rs.getLong(1), name)
                .orElseThrow(() -> SharingException.notFound("no such project: " + Names.printable(name)));
    }

    static String projectName(Connection c, long id) throws SQLException {
        return Jdbc.one(c, "SELECT name FROM projects WHERE id = ?", rs -> rs.getString(1), id).orElse("?");
    }

    /** The folder of this name in the actor's view (owned, shared or through a project). */
    static Folder folderInView(Connection c, User actor, String name) throws SQLException {
        return findInView(c, actor, name).orElseThrow(() -> SharingException.notFound("no folder named '"
                + Names.printable(name) + "' in the view of " + actor.email()));
    }

    private static Optional<Folder> findInView(Connection c, User actor, String name) throws SQLException {
        return Jdbc.one(c, "SELECT " + FOLDER_COLUMNS + " FROM view_entries v JOIN folders f ON f.id = v.folder_id"
                + " WHERE v.user_id = ? AND v.name = ? AND f.state = 'active'", Lookups::mapFolder, actor.id(), name);
    }

    static Folder folderById(Connection c, String id) throws SQLException {
        return Jdbc.one(c, "SELECT " + FOLDER_COLUMNS + " FROM folders f WHERE f.id = ?", Lookups::mapFolder, id)
                .orElseThrow(() -> SharingException.notFound("no such folder: " + Names.printable(id)));
    }

    /** The folder the actor manages: their own, or (for an admin) a project folder. */
    static Folder managedFolder(Connection c, User actor, String name, String verb) throws SQLException {
        Optional<Folder> own = Jdbc.one(c, "SELECT " + FOLDER_COLUMNS + " FROM folders f"
                + " WHERE f.owner_user_id = ? AND f.name = ? AND f.state = 'active'", Lookups::mapFolder, actor.id(), name);
        if (own.isPresent()) return own.get();
        Optional<Folder> inView = findInView(c, actor, name);
        if (inView.isEmpty() && actor.admin()) {
            // Admins manage project folders whether or not they are members of the project.
            List<Folder> project = Jdbc.list(c, "SELECT " + FOLDER_COLUMNS + " FROM folders f WHERE f.owner_project_id IS NOT NULL"
                    + " AND f.state = 'active' AND (f.name = ? OR f.id = ?)", Lookups::mapFolder, name, name);
            if (project.size() == 1) return project.get(0);
            if (project.size() > 1) {
                throw SharingException.conflict("several project folders are named '" + Names.printable(name)
                        + "': give the folder id (see audit --json)");
            }
        }
        Folder seen = inView.orElseThrow(() -> SharingException.notFound("no folder named '" + Names.printable(name)
                + "' in the view of " + actor.email()));
        if (seen.isProjectFolder()) {
            if (actor.admin()) return seen;
            throw SharingException.forbidden("only an admin may " + verb + " project folder '" + name + "'");
        }
        User owner = userById(c, seen.ownerUserId());
        throw SharingException.forbidden("only the owner (" + owner.email() + ") may " + verb + " folder '" + name + "'");
    }

    static String ownerLabel(Connection c, Folder f) throws SQLException {
        return f.isProjectFolder() ? "project:" + projectName(c, f.ownerProjectId()) : userById(c, f.ownerUserId()).email();
    }
}
