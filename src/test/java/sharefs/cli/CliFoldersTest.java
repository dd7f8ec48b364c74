package sharefs.cli;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import sharefs.sharing.Permission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CliFoldersTest extends CliTestBase {

    @BeforeEach
    void users() {
        addUser(ANN);
        addUser(BOB);
        addUser(CAT);
        addAdmin(ROOT);
    }

    private String createCli(String user, String name) {
        Map<String, Object> f = ok(as(user, "--json", "folder", "create", name)).object();
        assertEquals(name, f.get("name"));
        return (String) f.get("id");
    }

    private String create(String user, String name) {
        return createFolder(user, name);
    }

    @Test
    void createMakesTheBackingDirectoryUnderHome() {
        Result r = okAs(ANN, "folder", "create", "tests");
        assertTrue(r.out().contains("tests"), r.out());
        Map<String, Object> f = row(listJson(as(ANN, "folder", "list")), "name", "tests");
        String id = (String) f.get("id");
        UUID.fromString(id);
        assertTrue(r.out().contains(id), r.out());
        assertTrue(Files.isDirectory(home.resolve("storage").resolve(id)));
        assertEquals(ANN, f.get("owner"));
        assertEquals("owner", f.get("permission"));
        assertEquals("general", f.get("usage"));
        String text = okAs(ANN, "folder", "list").out();
        assertTrue(text.startsWith("NAME"), text);
        assertTrue(text.contains("OWNER") && text.contains("PERMISSION") && text.contains("USAGE"), text);
        assertTrue(text.contains("tests") && text.contains(ANN) && text.contains("owner") && text.contains("general"), text);
    }

    @Test
    void badNamesAreUsageErrorsAndCreateNothing() {
        create(ANN, "keep");
        for (String bad : new String[] {".", "..", "a/b", "x".repeat(65), "", "a\nb"}) {
            String line = refusedUnchanged(2, as(ANN, "folder", "create", bad));
            assertTrue(line.contains("invalid folder name"), line);
        }
        refusedUnchanged(2, as(ANN, "folder", "rename", "keep", "a/b"));
        refusedUnchanged(2, as(ANN, "folder", "rename", "keep", ".."));
        // A name starting with '-' would turn `rm *` in a session's home into options.
        String dash = refusedUnchanged(2, as(ANN, "folder", "create", "--", "-rf"));
        assertEquals("sharefs: invalid folder name '-rf': it may not start with '-'", dash);
        refusedUnchanged(2, as(ANN, "folder", "rename", "keep", "--", "-x"));
        refusedUnchanged(2, as(ANN, "folder", "create", "x", "--usage", "video"));
        refusedUnchanged(2, as(ANN, "folder", "create", "x", "--perm", "view")); // --perm needs --project
        createCli(ANN, "x".repeat(64));
        createCli(ANN, "A.z_0-9");
    }

    @Test
    void nameClashesAreRefusedNamingTheClash() {
        create(ANN, "tests");
        create(BOB, "shared");
        shareSvc(BOB, "shared", ANN, Permission.parse("view"));
        for (String n : new String[] {"tests", "shared"}) {
            String line = refusedUnchanged(1, as(ANN, "folder", "create", n));
            assertTrue(line.contains("'" + n + "'"), line);
        }
        create(CAT, "tests");
    }

    @Test
    void projectFoldersGiveMembersTheirPermission() {
        ok("project", "create", "p");
        ok("project", "add-member", "p", ANN);
        Map<String, Object> f = ok(as(ROOT, "--json", "folder", "create", "ro", "--project", "p", "--perm", "view", "--usage", "data")).object();
        assertEquals("project:p", f.get("owner"));
        okAs(ROOT, "folder", "create", "rw", "--project", "p");
        okAs(ROOT, "folder", "create", "wd", "--project", "p", "--perm", "wd");
        List<Map<String, Object>> view = listJson(as(ANN, "folder", "list"));
        assertEquals(List.of("ro", "rw", "wd"), col(view, "name"));
        assertEquals(List.of("view", "edit", "edit-delete"), col(view, "permission"));
        assertEquals(List.of("project:p", "project:p", "project:p"), col(view, "owner"));
        assertEquals("data", view.get(0).get("usage"));
        refusedUnchanged(2, as(ROOT, "folder", "create", "bad", "--project", "p", "--perm", "all"));
        refusedUnchanged(1, as(ANN, "folder", "create", "mine", "--project", "p"));
        refusedUnchanged(1, as(ROOT, "folder", "create", "x", "--project", "nope"));
        create(BOB, "clash");
        ok("project", "add-member", "p", BOB);
        String line = refusedUnchanged(1, as(ROOT, "folder", "create", "clash", "--project", "p"));
        assertTrue(line.contains(BOB) && line.contains("'clash'"), line);
    }

    @Test
    void folderListShowsOwnerPermissionAndUsageOfEveryFolderInTheView() {
        create(ANN, "mine");
        okAs(BOB, "folder", "create", "b-ro", "--usage", "model");
        create(BOB, "b-rw");
        create(CAT, "c-wd");
        shareSvc(BOB, "b-ro", ANN, Permission.parse("ro"));
        shareSvc(BOB, "b-rw", ANN, Permission.parse("rw"));
        shareSvc(CAT, "c-wd", ANN, Permission.parse("wd"));
        List<Map<String, Object>> view = listJson(as(ANN, "folder", "list"));
        assertEquals(List.of("b-ro", "b-rw", "c-wd", "mine"), col(view, "name"));
        assertEquals(List.of(BOB, BOB, CAT, ANN), col(view, "owner"));
        assertEquals(List.of("view", "edit", "edit-delete", "owner"), col(view, "permission"));
        assertEquals(List.of("model", "general", "general", "general"), col(view, "usage"));
    }

    @Test
    void onlyTheOwnerRenames() {
        String id = create(ANN, "tests");
        shareSvc(ANN, "tests", BOB, Permission.parse("edit-delete"));
        String line = refusedUnchanged(1, as(BOB, "folder", "rename", "tests", "mine"));
        assertTrue(line.contains("only the owner") && line.contains(ANN), line);
        refusedUnchanged(1, as(CAT, "folder", "rename", "tests", "mine"));
        okAs(ANN, "folder", "rename", "tests", "renamed");
        assertEquals(List.of("renamed"), folderNames(ANN));
        assertEquals(List.of("renamed"), folderNames(BOB));
        assertTrue(Files.isDirectory(home.resolve("storage").resolve(id)), "renaming changes only the database");
    }

    @Test
    void renameClashesAreRefusedSayingWho() {
        create(ANN, "a");
        create(ANN, "mine");
        shareSvc(ANN, "a", BOB, Permission.parse("view"));
        create(BOB, "bobs");
        String line = refusedUnchanged(1, as(ANN, "folder", "rename", "a", "mine"));
        assertTrue(line.contains(ANN) && line.contains("'mine'"), line);
        line = refusedUnchanged(1, as(ANN, "folder", "rename", "a", "bobs"));
        assertTrue(line.contains(BOB) && line.contains("'bobs'"), line);
        refusedUnchanged(1, as(ANN, "folder", "rename", "nope", "x"));
    }

    @Test
    void deleteTrashRestorePurge() throws Exception {
        String id = create(ANN, "tests");
        Files.writeString(home.resolve("storage").resolve(id).resolve("hello.txt"), "hi");
        shareSvc(ANN, "tests", BOB, Permission.parse("edit-delete"));
        long pending = invite(ANN, "tests", CAT, "view");

        String line = refusedUnchanged(1, as(BOB, "folder", "delete", "tests"));
        assertTrue(line.contains("only the owner"), line);
        refusedUnchanged(1, as(ANN, "folder", "delete", "nope"));

        okAs(ANN, "folder", "delete", "tests");
        assertEquals(List.of(), folderNames(ANN));
        assertEquals(List.of(), folderNames(BOB));
        Map<String, Object> inv = listJson(as(CAT, "invitation", "list")).stream()
                .filter(r -> Long.valueOf(pending).equals(r.get("id"))).findFirst().orElseThrow();
        assertEquals("canceled", inv.get("state"));
        Path storage = home.resolve("storage");
        assertFalse(Files.exists(storage.resolve(id)));
        assertEquals("hi", Files.readString(storage.resolve(".trash").resolve(id).resolve("hello.txt")));
        refusedUnchanged(1, as(CAT, "invitation", "accept", Long.toString(pending)));

        List<Map<String, Object>> trash = listJson(as(ANN, "folder", "trash"));
        assertEquals(1, trash.size());
        assertEquals("tests", trash.get(0).get("name"));
        assertEquals(id, trash.get(0).get("id"));
        assertEquals(ANN, trash.get(0).get("owner"));
        assertTrue(okAs(ANN, "folder", "trash").out().contains(id));
        assertTrue(listJson(as(BOB, "folder", "trash")).isEmpty());

        create(ANN, "tests");
        String line2 = refusedUnchanged(1, as(ANN, "folder", "restore", "tests"));
        assertTrue(line2.contains("'tests'"), line2);
        refusedUnchanged(2, as(ANN, "folder", "restore", "tests", "--as-name", "no/slash"));
        refusedUnchanged(1, as(BOB, "folder", "restore", "tests"));
        Map<String, Object> restored = ok(as(ANN, "--json", "folder", "restore", "tests", "--as-name", "tests-old")).object();
        assertEquals(id, restored.get("id"));
        assertEquals("tests-old", restored.get("name"));
        assertEquals("hi", Files.readString(storage.resolve(id).resolve("hello.txt")));
        assertEquals(List.of("tests", "tests-old"), folderNames(ANN));
        assertEquals(List.of(), folderNames(BOB), "shares do not come back with a restore");

        okAs(ANN, "folder", "delete", "tests-old");
        refusedUnchanged(1, as(BOB, "folder", "purge", id));
        refusedUnchanged(1, as(ANN, "folder", "purge", "tests")); // the active one is not in trash
        okAs(ANN, "folder", "purge", "tests-old");
        assertFalse(Files.exists(storage.resolve(".trash").resolve(id)));
        assertFalse(Files.exists(storage.resolve(id)));
        assertTrue(listJson(as(ANN, "folder", "trash")).isEmpty());
        refusedUnchanged(1, as(ANN, "folder", "restore", id));
    }
}
