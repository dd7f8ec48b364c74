package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Invitations: pending -> accepted | rejected (by the invitee) | canceled (by the inviter). */
public final class Invitations {
    private static final String SELECT = "SELECT i.*, f.name folder_name, fu.email inviter_email, tu.email invitee_email"
            + " FROM invitations i JOIN folders f ON f.id = i.folder_id"
            + " JOIN users fu ON fu.id = i.inviter_id JOIN users tu ON tu.id = i.invitee_id";

    private final Database db;

    Invitations(Database db) {
        this.db = db;
    }

    /** One invitation per invitee; each refused invitee gets its own reason, the others are still invited. */
    public List<InviteOutcome> invite(String actorEmail, String folderName, List<String> emails, Permission perm) {
        if (emails.isEmpty()) throw SharingException.invalid("give at least one --to EMAIL");
        // Bad input (a malformed email, an unknown actor, a folder the actor may not share) invites nobody.
        LinkedHashSet<String> normalized = new LinkedHashSet<>();
        for (String raw : emails) normalized.add(Names.email(raw));
        db.read(c -> sharedFolder(c, Lookups.user(c, actorEmail), folderName));
        List<InviteOutcome> out = new ArrayList<>();
        for (String email : normalized) {
            try {
                long id = db.write(c -> inviteOne(c, actorEmail, folderName, email, perm));
                out.add(new InviteOutcome(email, true, id, null));
            } catch (SharingException e) {
                // Checked again per invitee: the folder may have changed since (then every later one says so).
                out.add(new InviteOutcome(email, false, null, e.getMessage()));
            }
        }
        return out;
    }

    /** The folder the actor may invite others to: one they own, never a project folder. */
    private static Folder sharedFolder(Connection c, User actor, String folderName) throws SQLException {
        Folder folder = Lookups.managedFolder(c, actor, folderName, "share");
        if (folder.isProjectFolder()) {
            throw SharingException.forbidden("project folder '" + folderName + "' is shared through project membership, not invitations");
        }
        return folder;
    }

    private static long inviteOne(Connection c, String actorEmail, String folderName, String email, Permission perm)
            throws SQLException {
        User actor = Lookups.user(c, actorEmail);
        Folder folder = sharedFolder(c, actor, folderName);
        User invitee = Lookups.findUser(c, email).orElseThrow(() -> SharingException.notFound("no such user"));
        if (invitee.id() == actor.id()) throw SharingException.conflict("you own this folder");
        if (pending(c, folder.id(), invitee.id()).isPresent()) {
            throw SharingException.conflict("an invitation is already pending");
        }
        if (Jdbc.one(c, "SELECT 1 FROM shares WHERE folder_id = ? AND user_id = ?", rs -> 1, folder.id(), invitee.id()).isPresent()) {
            throw SharingException.conflict("the folder is already shared with them");
        }
        if (ViewEntries.clash(c, invitee.id(), folder.name(), folder.id()).isPresent()) {
            throw SharingException.conflict("they already see a folder named '" + folder.name() + "'");
        }
        long id;
        try {
            id = Jdbc.insert(c, "INSERT INTO invitations (folder_id, inviter_id, invitee_id, perm, state, created_at, pending_key)"
                    + " VALUES (?, ?, ?, ?, 'pending', ?, ?)", folder.id(), actor.id(), invitee.id(), perm.label(), Jdbc.now(),
                    pendingKey(folder.id(), invitee.id()));
        } catch (SQLException e) {
            if (Jdbc.isDuplicateKey(e)) throw SharingException.conflict("an invitation is already pending");
            throw e;
        }
        AuditLog.record(c, actor, "share.invite", folder, invitee.email(), "perm " + perm + ", invitation " + id);
        return id;
    }

    private static Optional<Long> pending(Connection c, String folderId, long inviteeId) throws SQLException {
        return Jdbc.one(c, "SELECT id FROM invitations WHERE folder_id = ? AND invitee_id = ? AND state = 'pending'",
                rs -> rs.getLong(1), folderId, inviteeId);
    }

    /** Received and sent invitations of the actor, newest first. */
    public List<Invitation> list(String actorEmail) {
        return db.read(c -> {
            User actor = Lookups.user(c, actorEmail);
            return Jdbc.list(c, SELECT + " WHERE i.invitee_id = ? OR i.inviter_id = ? ORDER BY i.id DESC",
                    Invitations::map, actor.id(), actor.id());
        });
    }

    public Invitation accept(String actorEmail, long id) {
        return db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Invitation inv = received(c, actor, id, "accept");
            Folder folder = Lookups.folderById(c, inv.folderId());
            if (ViewEntries.clash(c, actor.id(), folder.name(), folder.id()).isPresent()) {
                throw SharingException.conflict("cannot accept invitation " + id + ": you already see a folder named '"
                        + folder.name() + "'; rename yours first");
            }
            move(c, id, "accepted");
            try {
                Jdbc.update(c, "INSERT INTO shares (folder_id, user_id, perm, since) VALUES (?, ?, ?, ?)",
                        folder.id(), actor.id(), inv.permission().label(), Jdbc.now());
            } catch (SQLException e) {
                if (Jdbc.isDuplicateKey(e)) throw SharingException.conflict("the folder is already shared with you");
                throw e;
            }
            ViewEntries.add(c, actor, folder);
            AuditLog.record(c, actor, "invitation.accept", folder, actor.email(), "invitation " + id + ", perm " + inv.permission());
            return reload(c, id);
        });
    }

    public Invitation reject(String actorEmail, long id) {
        return db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Invitation inv = received(c, actor, id, "reject");
            move(c, id, "rejected");
            AuditLog.record(c, actor, "invitation.reject", Lookups.folderById(c, inv.folderId()), actor.email(), "invitation " + id);
            return reload(c, id);
        });
    }

    public Invitation cancel(String actorEmail, long id) {
        return db.write(c -> {
            User actor = Lookups.user(c, actorEmail);
            Invitation inv = byId(c, id);
            if (!inv.inviter().equals(actor.email())) {
                throw SharingException.forbidden("only the inviter (" + inv.inviter() + ") may cancel invitation " + id);
            }
            requirePending(inv);
            move(c, id, "canceled");
            AuditLog.record(c, actor, "invitation.cancel", Lookups.folderById(c, inv.folderId()), inv.invitee(), "invitation " + id);
            return reload(c, id);
        });
    }

    private static Invitation received(Connection c, User actor, long id, String verb) throws SQLException {
        Invitation inv = byId(c, id);
        if (!inv.invitee().equals(actor.email())) {
            throw SharingException.forbidden("only the invitee (" + inv.invitee() + ") may " + verb + " invitation " + id);
        }
        requirePending(inv);
        return inv;
    }

    private static void requirePending(Invitation inv) {
        if (!inv.state().equals("pending")) {
            throw SharingException.conflict("invitation " + inv.id() + " is " + inv.state() + ", not pending");
        }
    }

    /** The WHERE state = 'pending' makes two racing moves of one invitation produce one winner. */
    private static void move(Connection c, long id, String state) throws SQLException {
        int n = Jdbc.update(c, "UPDATE invitations SET state = ?, decided_at = ?, pending_key = NULL WHERE id = ? AND state = 'pending'",
                state, Jdbc.now(), id);
        if (n != 1) throw SharingException.conflict("invitation " + id + " is no longer pending");
    }

    /** The key the schema's unique constraint holds one pending invitation per folder and invitee to. */
    private static String pendingKey(String folderId, long inviteeId) {
        return folderId + ":" + inviteeId;
    }

    private static Invitation byId(Connection c, long id) throws SQLException {
        return Jdbc.one(c, SELECT + " WHERE i.id = ?", Invitations::map, id)
                .orElseThrow(() -> SharingException.notFound("no invitation " + id));
    }

    private static Invitation reload(Connection c, long id) throws SQLException {
        return byId(c, id);
    }

    private static Invitation map(java.sql.ResultSet rs) throws SQLException {
        return new Invitation(rs.getLong("id"), rs.getString("folder_id"), rs.getString("folder_name"),
                rs.getString("inviter_email"), rs.getString("invitee_email"), Permission.fromDb(rs.getString("perm")),
                rs.getString("state"), Lookups.instant(rs.getTimestamp("created_at")),
                Lookups.instant(rs.getTimestamp("decided_at")));
    }
}
