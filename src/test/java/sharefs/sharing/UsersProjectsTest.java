package sharefs.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.sharing.SharingException.Kind.CONFLICT;
import static sharefs.sharing.SharingException.Kind.FORBIDDEN;
import static sharefs.sharing.SharingException.Kind.INVALID;
import static sharefs.sharing.SharingException.Kind.NOT_FOUND;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UsersProjectsTest extends SharingTestBase {

    @Test
    void addUserKeepsEmailCaseInsensitiveAndListsIt() {
        User b = s.users().add(null, "Bob.Smith@Example.IO", "Bob Smith", false);
        assertEquals("bob.smith@example.io", b.email());
        assertEquals("Bob Smith", b.name());
        assertFalse(b.admin());
        User a = admin("ann@x.io");
        assertTrue(a.admin());
        assertEquals(List.of("ann@x.io", "bob.smith@example.io"),
                s.users().list().stream().map(User::email).collect(Collectors.toList()));
        assertEquals(b.id(), s.users().get("BOB.SMITH@example.io").id());
        assertEquals(List.of("user.add", "user.add"), auditActions());
    }

    @Test
    void emailIsUniqueWithoutRegardToCase() {
        s.users().add(null, "B@x.io", null, false);
        String m = refusedUnchanged(CONFLICT, () -> s.users().add(null, "b@x.io", null, false));
        assertTrue(m.contains("b@x.io"), m);
        refusedUnchanged(CONFLICT, () -> s.users().add(null, "B@X.IO", "other", true));
        assertEquals(1, s.users().list().size());
    }

    @Test
    void malformedEmailsAreRefusedAsInvalid() {
        for (String bad : new String[] {"", " ", "bob", "bob@", "@x.io", "bob@x", "bob x@x.io", "bob@x.io ", "<bob@x.io>",
                "bob@x.io\nroot@x.io", "bob@@x.io", "bob@x..io", "a".repeat(65) + "@x.io"}) {
            String m = refusedUnchanged(INVALID, () -> s.users().add(null, bad, null, false));
            assertTrue(m.contains("invalid email"), m);
        }
        refused(INVALID, () -> s.users().add(null, null, null, false));
        assertTrue(s.users().list().isEmpty());
    }

    @Test
    void displayNameMustBePrintableAndShort() {
        refusedUnchanged(INVALID, () -> s.users().add(null, "a@x.io", "a\nb", false));
        refusedUnchanged(INVALID, () -> s.users().add(null, "a@x.io", "n".repeat(201), false));
        assertTrue(s.users().list().isEmpty());
    }

    @Test
    void onlyOperatorOrAdminAddsUsers() {
        admin("root@x.io");
        user("joe@x.io");
        String m = refusedUnchanged(FORBIDDEN, () -> s.users().add("joe@x.io", "eve@x.io", null, true));
        assertTrue(m.contains("admin"), m);
        refusedUnchanged(NOT_FOUND, () -> s.users().add("ghost@x.io", "eve@x.io", null, false));
        User eve = s.users().add("ROOT@x.io", "eve@x.io", null, false);
        assertEquals("eve@x.io", eve.email());
        AuditEntry last = s.audit().list(null).get(2);
        assertEquals("root@x.io", last.actor());
        assertEquals("eve@x.io", last.target());
    }

    @Test
    void projectCreateByOperatorOrAdminOnly() {
        admin("root@x.io");
        user("joe@x.io");
        s.projects().create(null, "alpha");
        s.projects().create("root@x.io", "beta");
        refusedUnchanged(FORBIDDEN, () -> s.projects().create("joe@x.io", "gamma"));
        refusedUnchanged(NOT_FOUND, () -> s.projects().create("ghost@x.io", "gamma"));
        String m = refusedUnchanged(CONFLICT, () -> s.projects().create(null, "alpha"));
        assertTrue(m.contains("alpha"), m);
        assertEquals(List.of("alpha", "beta"), s.projects().list().stream().map(Project::name).collect(Collectors.toList()));
    }

    @Test
    void projectNamesAreValidated() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "x".repeat(65), "é", "a\tb"}) {
            refusedUnchanged(INVALID, () -> s.projects().create(null, bad));
        }
        s.projects().create(null, "x".repeat(64));
        s.projects().create(null, "A-z_0.9");
    }

    @Test
    void membersJoinAndLeaveAndSeeProjectFolders() {
        admin("root@x.io");
        user("ann@x.io");
        user("bob@x.io");
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", "ANN@x.io");
        s.folders().create("root@x.io", "shared", "p", null, UsageMode.DATA);
        assertEquals(List.of("shared"), names("ann@x.io"));
        assertEquals(List.of(), names("bob@x.io"));

        s.projects().addMember("root@x.io", "p", "bob@x.io");
        FolderAccess f = view("bob@x.io").get("shared");
        assertEquals("project:p", f.ownerLabel());
        assertEquals("edit", f.accessLabel());
        assertEquals(UsageMode.DATA, f.usage());
        assertEquals(List.of("ann@x.io", "bob@x.io"), s.projects().list().get(0).members());

        s.projects().removeMember(null, "p", "bob@x.io");
        assertEquals(List.of(), names("bob@x.io"));
        assertEquals(List.of("ann@x.io"), s.projects().list().get(0).members());
        assertEquals(List.of("shared"), names("ann@x.io"));
        assertConsistent();
        List<String> actions = auditActions();
        assertTrue(actions.containsAll(List.of("project.create", "project.add-member", "project.remove-member", "folder.create")), actions.toString());
    }

    @Test
    void memberRefusals() {
        admin("root@x.io");
        user("ann@x.io");
        user("joe@x.io");
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", "ann@x.io");
        refusedUnchanged(CONFLICT, () -> s.projects().addMember(null, "p", "Ann@x.io"));
        refusedUnchanged(NOT_FOUND, () -> s.projects().addMember(null, "nope", "joe@x.io"));
        refusedUnchanged(NOT_FOUND, () -> s.projects().addMember(null, "p", "ghost@x.io"));
        refusedUnchanged(INVALID, () -> s.projects().addMember(null, "p", "not-an-email"));
        refusedUnchanged(FORBIDDEN, () -> s.projects().addMember("ann@x.io", "p", "joe@x.io"));
        refusedUnchanged(NOT_FOUND, () -> s.projects().removeMember(null, "p", "joe@x.io"));
        refusedUnchanged(FORBIDDEN, () -> s.projects().removeMember("joe@x.io", "p", "ann@x.io"));
        refusedUnchanged(NOT_FOUND, () -> s.projects().removeMember(null, "nope", "ann@x.io"));
    }

    @Test
    void joiningAProjectIsRefusedWhenItsFolderNameClashesAndSaysWhich() {
        admin("root@x.io");
        user("ann@x.io");
        s.projects().create(null, "p");
        s.folders().create("root@x.io", "data", "p", null, UsageMode.GENERAL);
        folder("ann@x.io", "data");
        String m = refusedUnchanged(CONFLICT, () -> s.projects().addMember(null, "p", "ann@x.io"));
        assertTrue(m.contains("data") && m.contains("ann@x.io"), m);
        assertEquals(List.of(), s.projects().list().get(0).members());

        // A share named like the project folder clashes as well.
        user("owner@x.io");
        user("bob@x.io");
        folder("owner@x.io", "data");
        share("owner@x.io", "data", "bob@x.io", Permission.VIEW);
        m = refusedUnchanged(CONFLICT, () -> s.projects().addMember(null, "p", "bob@x.io"));
        assertTrue(m.contains("data") && m.contains("bob@x.io"), m);

        s.folders().rename("ann@x.io", "data", "mine");
        s.projects().addMember(null, "p", "ann@x.io");
        assertEquals(List.of("data", "mine"), names("ann@x.io"));
        assertConsistent();
    }

    @Test
    void removingAMemberDropsTheirOverride() {
        admin("root@x.io");
        user("ann@x.io");
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", "ann@x.io");
        s.folders().create("root@x.io", "d", "p", Permission.VIEW, UsageMode.GENERAL);
        s.shares().set("root@x.io", "d", "ann@x.io", Permission.EDIT_DELETE);
        assertEquals("edit-delete", view("ann@x.io").get("d").accessLabel());
        s.projects().removeMember(null, "p", "ann@x.io");
        s.projects().addMember(null, "p", "ann@x.io");
        assertEquals("view", view("ann@x.io").get("d").accessLabel());
    }
}
