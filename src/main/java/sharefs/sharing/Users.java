package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Users, and who may act as the operator. */
public final class Users {
    private final Database db;

    Users(Database db) {
        this.db = db;
    }

    /**
     * The operator (no --as) runs the installation; with --as the actor must be an admin. The
     * very first user may be added by anyone, so a fresh installation can be bootstrapped.
     */
    static User requireAdmin(Connection c, String actorEmail, String verb) throws SQLException {
        if (actorEmail == null) return null;
        User actor = Lookups.user(c, actorEmail);
        if (!actor.admin()) throw SharingException.forbidden("only an admin may " + verb + " (" + actor.email() + " is not one)");
        return actor;
    }

    public User add(String actorEmail, String email, String name, boolean admin) {
        String normalized = Names.email(email);
        if (name != null && (name.length() > 200 || name.chars().anyMatch(Character::isISOControl))) {
            throw SharingException.invalid("invalid name: at most 200 printable characters");
        }
        return db.write(c -> {
            User actor = requireAdmin(c, actorEmail, "add users");
            if (Lookups.findUser(c, normalized).isPresent()) {
                throw SharingException.conflict("user " + normalized + " exists already");
            }
            long id;
            try {
                id = Jdbc.insert(c, "INSERT INTO users (email, name, admin, created_at) VALUES (?, ?, ?, ?)",
                        normalized, name, admin, Jdbc.now());
            } catch (SQLException e) {
                if (Jdbc.isDuplicateKey(e)) throw SharingException.conflict("user " + normalized + " exists already");
                throw e;
            }
            AuditLog.record(c, actor, "user.add", null, normalized, admin ? "admin" : null);
            return new User(id, normalized, name, admin);
        });
    }

    public List<User> list() {
        return db.read(c -> Jdbc.list(c, "SELECT * FROM users ORDER BY email", Lookups::mapUser));
    }

    public User get(String email) {
        return db.read(c -> Lookups.user(c, email));
    }
}
