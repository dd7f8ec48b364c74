package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.InviteOutcome;
import sharefs.sharing.Permission;
import sharefs.sharing.Sharing;
import sharefs.sharing.UsageMode;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.TestDb;
import sharefs.testing.InProcessCli;

/** Runs the CLI in-process against a fresh --home, and asserts exit codes and stderr. */
abstract class CliTestBase {
    static final String[] TABLES = {"users", "projects", "project_members", "folders", "invitations", "shares",
            "project_overrides", "view_entries", "audit"};

    @TempDir
    Path home;

    /**
     * The same installation (the default database under --home) opened service-side, as a running
     * mount would hold it: arranges fixtures quickly and reads state for before/after comparisons.
     * Keeping it open also spares every CLI run the cost of reopening the H2 file.
     */
    Sharing svc;
    /** Its database: the embedded default, or a fresh one on the PostgreSQL run's server. */
    TestDb.Installation installation;

    @BeforeEach
    void openInstallation() throws IOException {
        installation = TestDb.fresh(home);
        Home h = installation.home();
        h.prepare();
        svc = new Sharing(Database.open(h), h);
    }

    @AfterEach
    void closeInstallation() {
        svc.db().close();
    }

    void addUser(String email) {
        svc.users().add(null, email, null, false);
    }

    void addAdmin(String email) {
        svc.users().add(null, email, null, true);
    }

    String createFolder(String owner, String name) {
        return svc.folders().create(owner, name, null, null, UsageMode.GENERAL).folderId();
    }

    /** Invite + accept, service-side. */
    void shareSvc(String owner, String folder, String to, Permission perm) {
        InviteOutcome o = svc.invitations().invite(owner, folder, List.of(to), perm).get(0);
        assertTrue(o.invited(), o.toString());
        svc.invitations().accept(to, o.invitationId());
    }

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().collect(Collectors.toList());
        }

        Object json() {
            return MiniJson.parse(out);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows() {
            return (List<Map<String, Object>>) json();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            return (Map<String, Object>) json();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** sharefs --home HOME --run-dir RUN ARGS...: a one-shot call (no node agent runs at RUN). */
    Result sh(String... args) {
        InProcessCli.Result r = InProcessCli.run(
                installation.withGlobals(prepend(args, "--home", home.toString(), "--run-dir", home.resolve("run").toString())));
        return new Result(r.code(), r.out(), r.err());
    }

    static String[] prepend(String[] args, String... first) {
        String[] full = new String[first.length + args.length];
        System.arraycopy(first, 0, full, 0, first.length);
        System.arraycopy(args, 0, full, first.length, args.length);
        return full;
    }

    static String[] as(String user, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--as";
        full[1] = user;
        System.arraycopy(args, 0, full, 2, args.length);
        return full;
    }

    Result ok(String... args) {
        Result r = sh(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + " -> " + r);
        assertEquals("", r.err(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    Result okAs(String user, String... args) {
        return ok(as(user, args));
    }

    List<Map<String, Object>> listJson(String... args) {
        String[] full = Arrays.copyOf(args, args.length + 1);
        full[args.length] = "--json";
        return ok(full).rows();
    }

    /** The command exits with {@code code}, says exactly one "sharefs: ..." line on stderr, prints nothing else. */
    String refused(int code, String... args) {
        Result r = sh(args);
        assertEquals(code, r.code(), () -> String.join(" ", args) + " -> " + r);
        assertOneErrorLine(r, args);
        assertEquals("", r.out(), () -> "stdout of a refused command: " + r);
        return r.errLines().get(0);
    }

    static void assertOneErrorLine(Result r, String... args) {
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr must be exactly one line: " + String.join(" ", args) + " -> " + r);
        String line = lines.get(0);
        assertTrue(line.startsWith("sharefs: ") && line.length() > "sharefs: ".length() + 5, () -> "unclear: " + line);
        assertFalse(line.contains("Exception") || line.contains("internal error"), () -> "leaks internals: " + line);
    }

    /** Refused with {@code code}, one line on stderr, and the installation is exactly as before. */
    String refusedUnchanged(int code, String... args) {
        String before = state();
        String line = refused(code, args);
        assertEquals(before, state(), () -> "state changed by the refused: " + String.join(" ", args));
        return line;
    }

    /** Every table of the installation's database (but the change counter), plus the tree under storage/. */
    String state() {
        StringBuilder b = new StringBuilder();
        svc.db().read(c -> {
            for (String t : TABLES) {
                b.append("## ").append(t).append('\n');
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + t + " ORDER BY 1, 2")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) b.append(rs.getString(i)).append('|');
                        b.append('\n');
                    }
                }
            }
            return null;
        });
        return b.append("## storage\n").append(tree(home.resolve("storage"))).toString();
    }

    static String tree(Path root) {
        if (!Files.exists(root)) return "";
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> col(List<Map<String, Object>> rows, String key) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : rows) out.add(String.valueOf(r.get(key)));
        return out;
    }

    static Map<String, Object> row(List<Map<String, Object>> rows, String key, String value) {
        return rows.stream().filter(r -> value.equals(r.get(key))).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + key + "=" + value + " in " + rows));
    }

    /** Invites one user (must succeed) and returns the invitation id. */
    long invite(String owner, String folder, String to, String perm) {
        List<Map<String, Object>> out = listJson(as(owner, "share", "invite", folder, "--to", to, "--perm", perm));
        assertEquals(1, out.size());
        assertEquals(Boolean.TRUE, out.get(0).get("invited"), out.toString());
        return (Long) out.get(0).get("invitation");
    }

    void share(String owner, String folder, String to, String perm) {
        long id = invite(owner, folder, to, perm);
        okAs(to, "invitation", "accept", Long.toString(id));
    }

    List<String> folderNames(String user) {
        return col(listJson(as(user, "folder", "list")), "name");
    }
}
