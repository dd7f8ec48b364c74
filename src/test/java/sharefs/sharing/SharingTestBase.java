package sharefs.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.TestDb;

/** One fresh installation (H2 file + storage/) per test, and helpers that keep tests short. */
abstract class SharingTestBase {
    static final String[] TABLES = {"users", "projects", "project_members", "folders", "invitations", "shares",
            "project_overrides", "view_entries", "audit"};

    @TempDir
    Path dir;
    Home home;
    Sharing s;

    @BeforeEach
    void openInstallation() throws IOException {
        home = TestDb.home(dir);
        home.prepare(); // as the CLI does before opening; layout is not state a refusal could change
        s = new Sharing(Database.open(home), home);
    }

    @AfterEach
    void closeInstallation() {
        s.db().close();
    }

    User user(String email) {
        return s.users().add(null, email, null, false);
    }

    User admin(String email) {
        return s.users().add(null, email, null, true);
    }

    FolderAccess folder(String owner, String name) {
        return s.folders().create(owner, name, null, null, UsageMode.GENERAL);
    }

    /** Invites one user and insists it worked; returns the invitation id. */
    long invite(String owner, String folder, String to, Permission perm) {
        List<InviteOutcome> out = s.invitations().invite(owner, folder, List.of(to), perm);
        assertEquals(1, out.size());
        assertTrue(out.get(0).invited(), () -> "invite refused: " + out.get(0).reason());
        return out.get(0).invitationId();
    }

    /** Invite + accept. */
    long share(String owner, String folder, String to, Permission perm) {
        long id = invite(owner, folder, to, perm);
        s.invitations().accept(to, id);
        return id;
    }

    Map<String, FolderAccess> view(String email) {
        Map<String, FolderAccess> m = new LinkedHashMap<>();
        for (FolderAccess f : s.folders().view(email)) {
            assertFalse(m.containsKey(f.name()), "two folders named " + f.name() + " in the view of " + email);
            m.put(f.name(), f);
        }
        return m;
    }

    List<String> names(String email) {
        return new ArrayList<>(view(email).keySet());
    }

    Invitation invitation(String actor, long id) {
        return s.invitations().list(actor).stream().filter(i -> i.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("invitation " + id + " not listed for " + actor));
    }

    /** Asserts the call is refused with this kind and a one-line message; returns the message. */
    static String refused(SharingException.Kind kind, Executable call) {
        SharingException e = assertThrows(SharingException.class, call);
        assertEquals(kind, e.kind(), () -> "kind of: " + e.getMessage());
        assertOneLine(e.getMessage());
        return e.getMessage();
    }

    static void assertOneLine(String message) {
        assertTrue(message != null && !message.isBlank(), "empty message");
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "not one line: " + message);
    }

    /** Refused with {@code kind}, and neither the database nor storage/ changed. */
    String refusedUnchanged(SharingException.Kind kind, Executable call) {
        String before = snapshot();
        String m = refused(kind, call);
        assertEquals(before, snapshot(), "a refused request changed state");
        return m;
    }

    /** Every table (but the change counter) and the tree under storage/, as text. */
    String snapshot() {
        StringBuilder b = new StringBuilder();
        s.db().read(c -> {
            for (String t : TABLES) {
                b.append("## ").append(t).append('\n');
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + t + " ORDER BY 1, 2")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) b.append(rs.getString(i)).append('|');
                        b.append('\n');
                    }
                }
            }
            return null;
        });
        b.append("## storage\n").append(String.join("\n", tree(home.storage())));
        return b.toString();
    }

    static List<String> tree(Path root) {
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Directories directly under storage/ (folder ids), without .trash. */
    List<String> storageDirs() throws IOException {
        if (!Files.exists(home.storage())) return List.of();
        try (Stream<Path> s = Files.list(home.storage())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".trash")).sorted().collect(Collectors.toList());
        }
    }

    List<String> auditActions() {
        return s.audit().list(null).stream().map(AuditEntry::action).collect(Collectors.toList());
    }

    long count(String sql, Object... args) {
        return s.db().read(c -> {
            try (var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * The invariants the rules promise, checked straight in the tables: a name appears once per view,
     * view names follow folder names, every view entry has a grant behind it (ownership, share,
     * project membership) and every grant has its view entry, at most one pending invitation per
     * (folder, invitee).
     */
    void assertConsistent() {
        List<String> problems = new ArrayList<>();
        s.db().read(c -> {
            query(c, problems, "two folders of one name in a view",
                    "SELECT user_id, name FROM view_entries GROUP BY user_id, name HAVING COUNT(*) > 1");
            query(c, problems, "view name differs from folder name / folder not active",
                    "SELECT v.user_id, v.name, f.name, f.state FROM view_entries v JOIN folders f ON f.id = v.folder_id"
                            + " WHERE v.name <> f.name OR f.state <> 'active'");
            query(c, problems, "view entry without a grant",
                    "SELECT v.user_id, v.folder_id FROM view_entries v JOIN folders f ON f.id = v.folder_id WHERE NOT ("
                            + " f.owner_user_id = v.user_id"
                            + " OR EXISTS (SELECT 1 FROM shares s WHERE s.folder_id = f.id AND s.user_id = v.user_id)"
                            + " OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = f.owner_project_id AND m.user_id = v.user_id))");
            query(c, problems, "owner does not see own active folder",
                    "SELECT f.id FROM folders f WHERE f.state = 'active' AND f.owner_user_id IS NOT NULL AND NOT EXISTS"
                            + " (SELECT 1 FROM view_entries v WHERE v.folder_id = f.id AND v.user_id = f.owner_user_id)");
            query(c, problems, "share without view entry",
                    "SELECT s.folder_id, s.user_id FROM shares s WHERE NOT EXISTS"
                            + " (SELECT 1 FROM view_entries v WHERE v.folder_id = s.folder_id AND v.user_id = s.user_id)");
            query(c, problems, "share of the owner, or of an inactive folder",
                    "SELECT s.folder_id FROM shares s JOIN folders f ON f.id = s.folder_id WHERE f.owner_user_id = s.user_id OR f.state <> 'active'");
            query(c, problems, "project member does not see an active project folder",
                    "SELECT f.id, m.user_id FROM folders f JOIN project_members m ON m.project_id = f.owner_project_id"
                            + " WHERE f.state = 'active' AND NOT EXISTS"
                            + " (SELECT 1 FROM view_entries v WHERE v.folder_id = f.id AND v.user_id = m.user_id)");
            query(c, problems, "more than one pending invitation per folder and invitee",
                    "SELECT folder_id, invitee_id FROM invitations WHERE state = 'pending' GROUP BY folder_id, invitee_id HAVING COUNT(*) > 1");
            query(c, problems, "pending invitation to a folder that is not active",
                    "SELECT i.id FROM invitations i JOIN folders f ON f.id = i.folder_id WHERE i.state = 'pending' AND f.state <> 'active'");
            return null;
        });
        assertTrue(problems.isEmpty(), () -> "inconsistent database: " + problems);
        for (User u : s.users().list()) view(u.email()); // distinct names through the public listing as well
    }

    private static void query(java.sql.Connection c, List<String> problems, String what, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder(what).append(':');
                for (int i = 1; i <= md.getColumnCount(); i++) row.append(' ').append(rs.getString(i));
                problems.add(row.toString());
            }
        }
    }
}
