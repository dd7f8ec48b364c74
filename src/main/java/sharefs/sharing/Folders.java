package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Folders: create, list a user's view, rename, delete to trash, restore, purge. */
public final class Folders {
    private final Database db;
    private final FolderBytes bytes;
    /** Folders whose bytes this process is removing now: one purge of a folder at a time. */
    private final java.util.Set<String> purging = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Folders(Database db, FolderBytes bytes) {
        this.db = db;
        this.bytes = bytes;
    }

    /** A personal folder, or (with project) a project folder whose members get {@code projectPerm}. */
    public FolderAccess create(String actorEmail, String name, String project, Permission projectPerm, UsageMode usage) {
        Names.folder(name);
        String id = UUID.randomUUID().toString();
        bytes.create(id);
        try {
            return db.write(c -> {
                User actor = Lookups.user(c, actorEmail);
                Folder folder;
                if (project == null) {
                    if (projectPerm != null) throw SharingException.invalid("--perm is only for project folders");
                    folder = new Folder(id, name, actor.id(), null, null, usage, "active", null, null);
                    insert(c, folder);
                    ViewEntries.add(c, actor, folder);
                } else {
                    if (!actor.admin()) throw SharingException.forbidden("only an admin may create project folders");
                    long pid = Lookups.projectId(c, project);
                    Permission perm = projectPerm == null ? Permission.EDIT : projectPerm;
                    folder = new Folder(id, name, null, pid, perm, usage, "active", null, null);
                    insert(c, folder);
                    for (User member : Projects.members(c, pid)) ViewEntries.add(c, member, folder);
                }
                AuditLog.record(c, actor, "folder.create", folder, project == null ? null : "project " + project,
                        folder.projectPerm() == null ? null : "perm " + folder.projectPerm());
                return new FolderAccess(id, name, Lookups.ownerLabel(c, folder), project == null,
                        project == null ? null : folder.projectPerm(), usage);
            });
        } catch (RuntimeException e) {
            bytes.removeEmpty(id);
            throw e;
        }
    }

    private static void insert(Connection c, Folder f) throws SQLException {
        Jdbc.update(c, "INSERT INTO folders (id, name, owner_user_id, owner_project_id, project_perm, usage_mode, state, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 'active', ?)", f.id(), f.name(), f.ownerUserId(), f.ownerProjectId(),
                f.projectPerm() == null ? null : f.projectPerm().label(), f.usage().label(), Jdbc.now());
    }

    /** Every folder in the user's view with the user's access; what mounts are built from. */
    public List<FolderAccess> view(String email) {
        return db.read(c -> view(c, Lookups.user(c, email)));
    }

    public List<FolderAccess> view(long userId) {
        return db.read(c -> view(c, Lookups.userById(c, userId)));
    }

    static List<FolderAccess> view(Connection c, User user) throws SQLException {
        return Jdbc.list(c, "SELECT f.id, v.name, f.owner_user_id, f.project_perm, f.usage_mode, ou.email owner_email,"
                        + " p.name project_name, s.perm share_perm, o.perm override_perm"
                        + " FROM view_entries v JOIN folders f ON f.id = v.folder_id"
                        + " LEFT JOIN users ou ON ou.id = f.owner_user_id"
                        + " LEFT JOIN projects p ON p.id = f.owner_project_id"
                        + " LEFT JOIN shares s ON s.folder_id = f.id AND s.user_id = v.user_id"
                        + " LEFT JOIN project_overrides o ON o.folder_id = f.id AND o.user_id = v.user_id"
                        + " WHERE v.user_id = ? AND f.state = 'active' ORDER BY v.name",
                rs -> {
                    long ownerId = rs.getLong("owner_user_id");
                    boolean personal = !rs.wasNull();
                    boolean owner = personal && ownerId == user.id();
                    Permission perm = null;
                    if (!owner) {
                        String p = personal ? rs.getString("share_perm")
                                : rs.getString("override_perm") != null ? rs.getString("override_perm")
                                : rs.getString("project_perm");
                        // A view entry without a grant behind it must never widen access.
                        perm = p == null ? Permission.VIEW : Permission.fromDb(p);
                    }
                    String ownerLabel = personal ? rs.getString("owner_email") : "project:" + rs.getString("project_name");
                    return new FolderAccess(rs.getString("id"), rs.getString("name"), ownerLabel, owner, perm,
                            UsageMode.parse(rs.getString("usage_mode")));
                }, user.id());
    }

    public void rename(String actorEmail, String oldName, String newName) {
        Names.folder(newName);
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.managedFolder(c, actor, oldName, "rename");
            if (oldName.equals(newName)) return null;
            ViewEntries.rename(c, folder, newName);
            Jdbc.update(c, "UPDATE folders SET name = ? WHERE id = ?", newName, folder.id());
            AuditLog.record(c, actor, "folder.rename", folder, null, oldName + " -> " + newName);
            return null;
        });
    }

    /** Leaves every view, ends shares, cancels pending invitations, moves the bytes to trash. */
    public void delete(String actorEmail, String name) {
        String[] moving = new String[1];
        try {
            deleteRow(actorEmail, name, moving);
        } finally {
            if (moving[0] != null) moveEnded(moving[0]);
        }
    }

    private void deleteRow(String actorEmail, String name, String[] moving) {
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder folder = Lookups.managedFolder(c, actor, name, "delete");
            String id = folder.id();
            ViewEntries.removeFolder(c, id);
            Jdbc.update(c, "DELETE FROM shares WHERE folder_id = ?", id);
            Jdbc.update(c, "DELETE FROM project_overrides WHERE folder_id = ?", id);
            int canceled = Jdbc.update(c, "UPDATE invitations SET state = 'canceled', decided_at = ?, pending_key = NULL"
                    + " WHERE folder_id = ? AND state = 'pending'",
                    Jdbc.now(), id);
            Jdbc.update(c, "UPDATE folders SET state = 'trashed', deleted_at = ? WHERE id = ?", Jdbc.now(), id);
            AuditLog.record(c, actor, "folder.delete", folder, null,
                    canceled == 0 ? "moved to trash" : "moved to trash; canceled " + canceled + " pending invitation(s)");
            // Last, inside the transaction: writers are serialised, so no concurrent delete or restore
            // of this folder moves its bytes meanwhile, and a refused step has moved nothing.
            moving[0] = id;
            bytes.toTrash(id);
            return null;
        });
    }

    /**
     * After the transaction that moved a folder's bytes has ended, committed or not: the bytes go
     * where the folder's committed state says, and the move's mark is dropped. Should this fail
     * (the database gone), the mark stays for {@link #finishInterruptedMoves}.
     */
    private void moveEnded(String folderId) {
        try {
            alignBytes(folderId);
        } catch (RuntimeException e) {
            // The mark stays; the next process that opens the database finishes the move.
        }
    }

    /**
     * Finishes the moves of folder bytes a crash interrupted: a process killed after it moved a
     * folder's bytes and before its transaction committed left the bytes where the database does
     * not expect them (an active folder with its bytes in the trash). Each such move left a mark;
     * the folder's committed state decides where its bytes belong. Called when Sharing is built.
     */
    void finishInterruptedMoves() {
        for (String id : bytes.marked()) alignBytes(id);
    }

    /** Inside a write, so it waits for any transaction still moving this folder's bytes. */
    private void alignBytes(String folderId) {
        db.write(c -> {
            String state = Jdbc.one(c, "SELECT state FROM folders WHERE id = ?", rs -> rs.getString(1), folderId).orElse(null);
            bytes.align(folderId, state);
            return null;
        });
    }

    public List<TrashedFolder> trash(String actorEmail) {
        return db.read(c -> {
            User actor = Lookups.user(c, actorEmail);
            List<Folder> rows = Jdbc.list(c, "SELECT " + Lookups.FOLDER_COLUMNS + " FROM folders f WHERE f.state = 'trashed'"
                    + " AND (f.owner_user_id = ? OR (f.owner_project_id IS NOT NULL AND ?)) ORDER BY f.deleted_at",
                    Lookups::mapFolder, actor.id(), actor.admin());
            List<TrashedFolder> out = new ArrayList<>();
            for (Folder f : rows) out.add(new TrashedFolder(f.id(), f.name(), Lookups.ownerLabel(c, f), f.deletedAt()));
            return out;
        });
    }

    /** Brings a trashed folder back under its old name or {@code newName}; shares do not come back. */
    public FolderAccess restore(String actorEmail, String nameOrId, String newName) {
        if (newName != null) Names.folder(newName);
        String[] moving = new String[1];
        try {
            return restoreRow(actorEmail, nameOrId, newName, moving);
        } finally {
            if (moving[0] != null) moveEnded(moving[0]);
        }
    }

    private FolderAccess restoreRow(String actorEmail, String nameOrId, String newName, String[] moving) {
        return db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Folder f = trashed(c, actor, nameOrId);
            if (bytes.purgeMarked(f.id())) {
                throw SharingException.conflict(purging.contains(f.id())
                        ? "folder '" + f.name() + "' is being purged"
                        : "a purge of folder '" + f.name() + "' was cut short and part of its bytes are gone:"
                                + " purge it again to finish (folder purge " + f.id() + ")");
            }
            String name = newName != null ? newName : f.name();
            Folder renamed = new Folder(f.id(), name, f.ownerUserId(), f.ownerProjectId(), f.projectPerm(), f.usage(),
                    "active", f.createdAt(), null);
            Jdbc.update(c, "UPDATE folders SET state = 'active', deleted_at = NULL, name = ? WHERE id = ?", name, f.id());
            if (f.isProjectFolder()) {
                for (User m : Projects.members(c, f.ownerProjectId())) ViewEntries.add(c, m, renamed);
            } else {
                ViewEntries.add(c, actor, renamed);
            }
            AuditLog.record(c, actor, "folder.restore", renamed, null, "from trash");
            moving[0] = f.id();
            bytes.fromTrash(f.id()); // last, inside the transaction (see delete)
            return new FolderAccess(f.id(), name, Lookups.ownerLabel(c, f), !f.isProjectFolder(),
                    f.isProjectFolder() ? f.projectPerm() : null, f.usage());
        });
    }

    /**
     * Removes a trashed folder's bytes for good and only then marks it purged: a purge that
     * cannot remove everything leaves the folder trashed, and restorable with what is left, and
     * says in one line what stopped it. The removal runs outside any transaction, so purging a
     * big folder holds up no other write (a kick-out least of all); a purge mark, set in a write
     * and so ordered with every restore, keeps restore off the bytes meanwhile.
     */
    public void purge(String actorEmail, String nameOrId) {
        String[] marked = new String[1];
        Folder f;
        try {
            f = db.write(c -> {
                Folder t = trashed(c, Lookups.user(c, actorEmail), nameOrId);
                if (!bytes.purgeMarked(t.id())) marked[0] = t.id();
                bytes.markPurge(t.id()); // last, inside the transaction (see delete)
                return t;
            });
        } catch (RuntimeException e) {
            // A transaction that did not commit started no purge: its mark goes (restore would refuse otherwise).
            if (marked[0] != null) unmarkQuietly(marked[0], e);
            throw e;
        }
        if (!purging.add(f.id())) throw SharingException.conflict("folder '" + f.name() + "' is being purged already");
        try {
            bytes.purge(f.id());
        } catch (IllegalStateException e) {
            IllegalStateException failed = new IllegalStateException("cannot purge folder '" + f.name() + "' (" + f.id()
                    + "): " + e.getMessage() + "; it stays in the trash", e);
            unmarkQuietly(f.id(), failed);
            throw failed;
        } finally {
            purging.remove(f.id());
        }
        db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            if (Jdbc.update(c, "UPDATE folders SET state = 'purged' WHERE id = ? AND state = 'trashed'", f.id()) == 1) {
                AuditLog.record(c, actor, "folder.purge", f, null, "bytes removed");
            }
            return null;
        });
        // After the commit: a crash before it leaves the mark, and restore refuses a folder whose bytes are gone.
        bytes.unmarkPurge(f.id());
    }

    /** Drops a purge mark; should that fail, the mark stays and restore asks for the purge to be run again. */
    private void unmarkQuietly(String folderId, RuntimeException failure) {
        try {
            bytes.unmarkPurge(folderId);
        } catch (RuntimeException markStays) {
            failure.addSuppressed(markStays);
        }
    }

    private static Folder trashed(Connection c, User actor, String nameOrId) throws SQLException {
        List<Folder> rows = Jdbc.list(c, "SELECT " + Lookups.FOLDER_COLUMNS + " FROM folders f WHERE f.state = 'trashed'"
                        + " AND (f.id = ? OR f.name = ?) AND (f.owner_user_id = ? OR (f.owner_project_id IS NOT NULL AND ?))",
                Lookups::mapFolder, nameOrId, nameOrId, actor.id(), actor.admin());
        if (rows.isEmpty()) throw SharingException.notFound("no trashed folder '" + Names.printable(nameOrId) + "' of " + actor.email());
        if (rows.size() > 1) {
            throw SharingException.conflict("several trashed folders are named '" + nameOrId + "': give the id (see folder trash)");
        }
        return rows.get(0);
    }
}
