package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliUsersProjectsTest extends CliTestBase {

    @Test
    void userAddAndList() {
        Result r = ok("user", "add", "Ann@Example.io", "--name", "Ann A", "--admin");
        assertTrue(r.out().contains("ann@example.io"), r.out());
        ok("user", "add", "bob@x.io");
        List<Map<String, Object>> users = listJson("user", "list");
        assertEquals(List.of("ann@example.io", "bob@x.io"), col(users, "email"));
        assertEquals("Ann A", users.get(0).get("name"));
        assertEquals(Boolean.TRUE, users.get(0).get("admin"));
        assertEquals(Boolean.FALSE, users.get(1).get("admin"));
        String text = ok("user", "list").out();
        assertTrue(text.startsWith("EMAIL"), text);
        assertTrue(text.contains("ann@example.io") && text.contains("Ann A") && text.contains("bob@x.io"), text);
        Map<String, Object> added = ok("--json", "user", "add", "cat@x.io").object();
        assertEquals("cat@x.io", added.get("email"));
    }

    @Test
    void emailsAreOneUserWithoutRegardToCase() {
        ok("user", "add", "B@x.io");
        String line = refusedUnchanged(1, "user", "add", "b@x.io");
        assertTrue(line.contains("b@x.io") && line.contains("exists"), line);
        refusedUnchanged(1, "user", "add", "B@X.IO", "--admin");
        assertEquals(List.of("b@x.io"), col(listJson("user", "list"), "email"));
    }

    @Test
    void malformedEmailsAreUsageErrors() {
        ok("user", "add", "ann@x.io");
        for (String bad : new String[] {"bob", "bob@x", "bob x@x.io", "bob@x.io\nroot@x.io"}) {
            String line = refusedUnchanged(2, "user", "add", bad);
            assertTrue(line.contains("invalid email"), line);
        }
        refusedUnchanged(2, "user", "add", "ok@x.io", "--name", "two\nlines");
    }

    @Test
    void onlyOperatorOrAdminsManageUsersAndProjects() {
        ok("user", "add", "root@x.io", "--admin");
        ok("user", "add", "joe@x.io");
        okAs("root@x.io", "user", "add", "ann@x.io");
        String line = refusedUnchanged(1, as("joe@x.io", "user", "add", "eve@x.io"));
        assertTrue(line.contains("admin"), line);
        ok("project", "create", "alpha");
        okAs("root@x.io", "project", "create", "beta");
        line = refusedUnchanged(1, as("joe@x.io", "project", "create", "gamma"));
        assertTrue(line.contains("admin"), line);
        refusedUnchanged(1, as("joe@x.io", "project", "add-member", "alpha", "ann@x.io"));
        refusedUnchanged(1, as("ghost@x.io", "project", "create", "gamma"));
        line = refusedUnchanged(1, "project", "create", "alpha");
        assertTrue(line.contains("alpha"), line);
        for (String bad : new String[] {"..", "a/b", "x".repeat(65)}) {
            refusedUnchanged(2, "project", "create", bad);
        }
        assertEquals(List.of("alpha", "beta"), col(listJson("project", "list"), "name"));
    }

    @Test
    void membersJoinAndLeave() {
        addAdmin("root@x.io");
        addUser("ann@x.io");
        addUser("bob@x.io");
        ok("project", "create", "p");
        ok("project", "add-member", "p", "ANN@x.io");
        okAs("root@x.io", "project", "add-member", "p", "bob@x.io");
        okAs("root@x.io", "folder", "create", "data", "--project", "p");
        List<Map<String, Object>> projects = listJson("project", "list");
        assertEquals(List.of("ann@x.io", "bob@x.io"), projects.get(0).get("members"));
        String text = ok("project", "list").out();
        assertTrue(text.contains("p") && text.contains("ann@x.io,bob@x.io"), text);
        assertEquals(List.of("data"), folderNames("ann@x.io"));

        ok("project", "remove-member", "p", "ann@x.io");
        assertEquals(List.of(), folderNames("ann@x.io"));
        assertEquals(List.of("data"), folderNames("bob@x.io"));

        refusedUnchanged(1, "project", "remove-member", "p", "ann@x.io");
        refusedUnchanged(1, "project", "add-member", "p", "bob@x.io");
        refusedUnchanged(1, "project", "add-member", "nope", "ann@x.io");
        refusedUnchanged(1, "project", "add-member", "p", "ghost@x.io");
        refusedUnchanged(2, "project", "add-member", "p", "not-an-email");
        refusedUnchanged(2, "project", "add-member", "p");
    }

    @Test
    void joiningAProjectWhoseFolderClashesIsRefusedNamingTheClash() {
        addAdmin("root@x.io");
        addUser("ann@x.io");
        svc.projects().create(null, "p");
        svc.folders().create("root@x.io", "data", "p", null, sharefs.sharing.UsageMode.GENERAL);
        createFolder("ann@x.io", "data");
        String line = refusedUnchanged(1, "project", "add-member", "p", "ann@x.io");
        assertTrue(line.contains("'data'") && line.contains("ann@x.io"), line);
        assertEquals(List.of(), listJson("project", "list").get(0).get("members"));
    }
}
