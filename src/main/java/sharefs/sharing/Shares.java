package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Accepted shares: list, change permission, kick out, leave; and admins' project overrides. */
public final class Shares {
    private final Database db;

    Shares(Database db) {
        this.db = db;
    }

    public List<Share> list(String actorEmail, String folderName) {
        return db.read(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.managedFolder(c, actor, folderName, "list the shares of");
            List<Share> out = new ArrayList<>();
            if (folder.isProjectFolder()) {
                for (User m : Projects.members(c, folder.ownerProjectId())) {
                    Permission p = Jdbc.one(c, "SELECT perm FROM project_overrides WHERE folder_id = ? AND user_id = ?",
                            rs -> Permission.fromDb(rs.getString(1)), folder.id(), m.id()).orElse(null);
                    out.add(new Share(m.email(), p == null ? folder.projectPerm() : p, null, p == null ? "project" : "override"));
                }
                return out;
            }
            return Jdbc.list(c, "SELECT u.email, s.perm, s.since FROM shares s JOIN users u ON u.id = s.user_id"
                            + " WHERE s.folder_id = ? ORDER BY u.email",
                    rs -> new Share(rs.getString(1), Permission.fromDb(rs.getString(2)), Lookups.instant(rs.getTimestamp(3)), "share"),
                    folder.id());
        });
    }

    /** The owner changes an invitee's permission; an admin overrides a project folder for one member. */
    public void set(String actorEmail, String folderName, String email, Permission perm) {
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.managedFolder(c, actor, folderName, "change permissions of");
            User target = Lookups.user(c, email);
            if (folder.isProjectFolder()) {
                if (!Projects.isMember(c, folder.ownerProjectId(), target.id())) {
                    throw SharingException.notFound(target.email() + " is not a member of the folder's project");
                }
                // Update, else insert: portable SQL, and safe because writers are serialised.
                if (Jdbc.update(c, "UPDATE project_overrides SET perm = ? WHERE folder_id = ? AND user_id = ?",
                        perm.label(), folder.id(), target.id()) == 0) {
                    Jdbc.update(c, "INSERT INTO project_overrides (folder_id, user_id, perm) VALUES (?, ?, ?)",
                            folder.id(), target.id(), perm.label());
                }
            } else {
                if (target.id() == actor.id()) throw SharingException.conflict("the owner's access is not a permission level");
                int n = Jdbc.update(c, "UPDATE shares SET perm = ? WHERE folder_id = ? AND user_id = ?",
                        perm.label(), folder.id(), target.id());
                if (n == 0) throw SharingException.notFound("folder '" + folderName + "' is not shared with " + target.email());
            }
            Changes.touchUser(c, target.id());
            AuditLog.record(c, actor, "share.set", folder, target.email(), "perm " + perm);
            return null;
        });
    }

    /** Kick out: the share ends and the folder leaves the user's view (and live mounts). */
    public void revoke(String actorEmail, String folderName, String email) {
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.managedFolder(c, actor, folderName, "kick users out of");
            if (folder.isProjectFolder()) {
                throw SharingException.forbidden("project folder members leave with project remove-member");
            }
            User target = Lookups.user(c, email);
            end(c, folder, target);
            AuditLog.record(c, actor, "share.revoke", folder, target.email(), "kicked out");
            return null;
        });
    }

    public void leave(String actorEmail, String folderName) {
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.folderInView(c, actor, folderName);
            if (folder.isProjectFolder()) throw SharingException.forbidden("project folders are left by leaving the project");
            if (folder.ownerUserId() == actor.id()) throw SharingException.conflict("you own '" + folderName + "': delete it instead");
            end(c, folder, actor);
            AuditLog.record(c, actor, "share.leave", folder, actor.email(), null);
            return null;
        });
    }

    private static void end(Connection c, Folder folder, User target) throws SQLException {
        int n = Jdbc.update(c, "DELETE FROM shares WHERE folder_id = ? AND user_id = ?", folder.id(), target.id());
        if (n == 0) throw SharingException.notFound("folder '" + folder.name() + "' is not shared with " + target.email());
        ViewEntries.remove(c, target.id(), folder.id());
    }
}
