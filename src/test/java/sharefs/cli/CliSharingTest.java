package sharefs.cli;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sharefs.sharing.Permission;

class CliSharingTest extends CliTestBase {

    @BeforeEach
    void users() {
        for (String u : new String[] {ANN, BOB, CAT, DAN, EVE}) addUser(u);
        addAdmin(ROOT);
        createFolder(ANN, "tests");
    }

    private Map<String, Object> invitation(String user, long id) {
        return listJson(as(user, "invitation", "list")).stream().filter(r -> Long.valueOf(id).equals(r.get("id")))
                .findFirst().orElseThrow(() -> new AssertionError("invitation " + id + " not listed for " + user));
    }

    @Test
    void inviteListsEachOutcomeAndExitsOneWhenSomeWereRefused() {
        invite(ANN, "tests", BOB, "view");             // pending
        shareSvc(ANN, "tests", CAT, Permission.EDIT);  // already shared
        createFolder(DAN, "tests");                    // name clash
        Result r = sh(as(ANN, "share", "invite", "tests", "--to", "ghost@x.io", "--to", ANN, "--to", BOB,
                "--to", CAT, "--to", DAN, "--to", "Eve@X.io", "--perm", "edit-delete"));
        assertEquals(1, r.code(), r.toString());
        assertOneErrorLine(r);
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.get(0).contains("ghost@x.io") && lines.get(0).contains("no such user"), lines.get(0));
        assertTrue(lines.get(1).contains(ANN) && lines.get(1).contains("own"), lines.get(1));
        assertTrue(lines.get(2).contains(BOB) && lines.get(2).contains("pending"), lines.get(2));
        assertTrue(lines.get(3).contains(CAT) && lines.get(3).contains("already shared"), lines.get(3));
        assertTrue(lines.get(4).contains(DAN) && lines.get(4).contains("'tests'"), lines.get(4));
        assertTrue(lines.get(5).startsWith("invited " + EVE), lines.get(5));
        for (int i = 0; i < 5; i++) assertTrue(lines.get(i).startsWith("refused "), lines.get(i));
        String err = r.errLines().get(0);
        for (String who : new String[] {"ghost@x.io", ANN, BOB, CAT, DAN}) assertTrue(err.contains(who), err);
        assertFalse(err.contains(EVE), err);

        Map<String, Object> eve = listJson(as(EVE, "invitation", "list")).get(0);
        assertEquals("pending", eve.get("state"));
        assertEquals("edit-delete", eve.get("permission"));
        assertEquals(ANN, eve.get("from"));
        assertEquals(EVE, eve.get("to"));
        assertEquals("tests", eve.get("folder"));
    }

    @Test
    void inviteJsonHasOneOutcomePerInvitee() {
        Result r = sh(as(ANN, "--json", "share", "invite", "tests", "--to", BOB, "--to", "ghost@x.io", "--perm", "ro"));
        assertEquals(1, r.code(), r.toString());
        assertOneErrorLine(r);
        List<Map<String, Object>> out = r.rows();
        assertEquals(List.of(BOB, "ghost@x.io"), col(out, "email"));
        assertEquals(Boolean.TRUE, out.get(0).get("invited"));
        assertNotNull(out.get(0).get("invitation"));
        assertNull(out.get(0).get("reason"));
        assertEquals(Boolean.FALSE, out.get(1).get("invited"));
        assertNull(out.get(1).get("invitation"));
        assertTrue(((String) out.get(1).get("reason")).contains("no such user"));
    }

    @Test
    void inviteAllOkExitsZero() {
        Result r = okAs(ANN, "share", "invite", "tests", "--to", BOB, "--to", CAT, "--perm", "rw");
        assertEquals(2, r.out().lines().count(), r.out());
        assertEquals("edit", invitation(BOB, invitationId(BOB)).get("permission"));
    }

    private long invitationId(String user) {
        return (Long) listJson(as(user, "invitation", "list")).get(0).get("id");
    }

    @Test
    void inviteBadInputIsAUsageErrorAndInvitesNobody() {
        refusedUnchanged(2, as(ANN, "share", "invite", "tests", "--to", BOB, "--to", "not-an-email", "--perm", "view"));
        String line = refusedUnchanged(2, as(ANN, "share", "invite", "tests", "--to", BOB, "--perm", "admin"));
        assertTrue(line.contains("admin") && line.contains("view|edit|edit-delete"), line);
        refusedUnchanged(2, as(ANN, "share", "invite", "tests", "--to", BOB));
        refusedUnchanged(2, as(ANN, "share", "invite", "tests", "--perm", "view"));
        refusedUnchanged(2, "share", "invite", "tests", "--to", BOB, "--perm", "view"); // no --as
        refusedUnchanged(2, as("ann", "share", "invite", "tests", "--to", BOB, "--perm", "view"));
    }

    @Test
    void onlyTheOwnerInvites() {
        shareSvc(ANN, "tests", BOB, Permission.EDIT_DELETE);
        String line = refusedUnchanged(1, as(BOB, "share", "invite", "tests", "--to", CAT, "--to", DAN, "--perm", "view"));
        assertTrue(line.contains("only the owner") && line.contains(ANN), line);
        refusedUnchanged(1, as(CAT, "share", "invite", "tests", "--to", DAN, "--perm", "view"));
        refusedUnchanged(1, as("ghost@x.io", "share", "invite", "tests", "--to", DAN, "--to", EVE, "--perm", "view"));
        refusedUnchanged(1, as(ANN, "share", "invite", "nope", "--to", DAN, "--to", EVE, "--perm", "view"));
    }

    @Test
    void permissionAliases() {
        createFolder(ANN, "a");
        createFolder(ANN, "b");
        share(ANN, "tests", BOB, "ro");
        share(ANN, "a", BOB, "rw");
        share(ANN, "b", BOB, "wd");
        List<Map<String, Object>> view = listJson(as(BOB, "folder", "list"));
        assertEquals(List.of("a", "b", "tests"), col(view, "name"));
        assertEquals(List.of("edit", "edit-delete", "view"), col(view, "permission"));
        okAs(ANN, "share", "set", "tests", BOB, "--perm", "edit-delete");
        okAs(ANN, "share", "set", "a", BOB, "--perm", "view");
        okAs(ANN, "share", "set", "b", BOB, "--perm", "EDIT");
        assertEquals(List.of("view", "edit", "edit-delete"), col(listJson(as(BOB, "folder", "list")), "permission"));
    }

    @Test
    void invitationStatesAndWhoMayMoveThem() {
        long id = invite(ANN, "tests", BOB, "view");
        String text = okAs(BOB, "invitation", "list").out();
        assertTrue(text.contains("received") && text.contains("pending") && text.contains(Long.toString(id)), text);
        text = okAs(ANN, "invitation", "list").out();
        assertTrue(text.contains("sent") && text.contains("pending"), text);

        String line = refusedUnchanged(1, as(CAT, "invitation", "accept", Long.toString(id)));
        assertTrue(line.contains("only the invitee"), line);
        refusedUnchanged(1, as(CAT, "invitation", "reject", Long.toString(id)));
        refusedUnchanged(1, as(ANN, "invitation", "accept", Long.toString(id)));
        refusedUnchanged(1, as(BOB, "invitation", "cancel", Long.toString(id)));
        refusedUnchanged(1, as(BOB, "invitation", "accept", "99999"));
        refusedUnchanged(2, as(BOB, "invitation", "accept", "abc"));

        Map<String, Object> accepted = ok(as(BOB, "--json", "invitation", "accept", Long.toString(id))).object();
        assertEquals("accepted", accepted.get("state"));
        assertNotNull(accepted.get("decided"));
        assertEquals(List.of("tests"), folderNames(BOB));
        line = refusedUnchanged(1, as(BOB, "invitation", "accept", Long.toString(id)));
        assertTrue(line.contains("not pending"), line);
        refusedUnchanged(1, as(BOB, "invitation", "reject", Long.toString(id)));
        refusedUnchanged(1, as(ANN, "invitation", "cancel", Long.toString(id)));

        long rej = invite(ANN, "tests", CAT, "edit");
        okAs(CAT, "invitation", "reject", Long.toString(rej));
        assertEquals("rejected", invitation(CAT, rej).get("state"));
        assertEquals(List.of(), folderNames(CAT));
        refusedUnchanged(1, as(CAT, "invitation", "accept", Long.toString(rej)));

        long can = invite(ANN, "tests", CAT, "edit");
        okAs(ANN, "invitation", "cancel", Long.toString(can));
        assertEquals("canceled", invitation(ANN, can).get("state"));
        refusedUnchanged(1, as(CAT, "invitation", "accept", Long.toString(can)));
        assertEquals(List.of(can, rej, id), col(listJson(as(ANN, "invitation", "list")), "id").stream().map(Long::valueOf).toList());
    }

    @Test
    void acceptChecksTheNameClashAgain() {
        long id = invite(ANN, "tests", BOB, "view");
        okAs(BOB, "folder", "create", "tests");
        String line = refusedUnchanged(1, as(BOB, "invitation", "accept", Long.toString(id)));
        assertTrue(line.contains("'tests'"), line);
        okAs(BOB, "folder", "rename", "tests", "bobs-tests");
        okAs(BOB, "invitation", "accept", Long.toString(id));
        assertEquals(List.of("bobs-tests", "tests"), folderNames(BOB));
    }

    @Test
    void shareListSetRevokeLeave() {
        shareSvc(ANN, "tests", BOB, Permission.VIEW);
        shareSvc(ANN, "tests", CAT, Permission.EDIT_DELETE);
        svc.invitations().invite(ANN, "tests", List.of(DAN), Permission.EDIT);
        List<Map<String, Object>> shares = listJson(as(ANN, "share", "list", "tests"));
        assertEquals(List.of(BOB, CAT), col(shares, "email"));
        assertEquals(List.of("view", "edit-delete"), col(shares, "permission"));
        String text = okAs(ANN, "share", "list", "tests").out();
        assertTrue(text.startsWith("USER") && text.contains(BOB) && text.contains("edit-delete"), text);
        refusedUnchanged(1, as(CAT, "share", "list", "tests"));

        okAs(ANN, "share", "set", "tests", "Bob@x.io", "--perm", "rw");
        assertEquals("edit", row(listJson(as(BOB, "folder", "list")), "name", "tests").get("permission"));
        refusedUnchanged(1, as(CAT, "share", "set", "tests", BOB, "--perm", "view"));
        refusedUnchanged(1, as(ANN, "share", "set", "tests", DAN, "--perm", "view"));
        refusedUnchanged(1, as(ANN, "share", "set", "tests", ANN, "--perm", "view"));
        refusedUnchanged(2, as(ANN, "share", "set", "tests", BOB, "--perm", "everything"));
        refusedUnchanged(2, as(ANN, "share", "set", "tests", BOB));
        refusedUnchanged(2, as(ANN, "share", "set", "tests", "bob", "--perm", "view"));

        refusedUnchanged(1, as(CAT, "share", "revoke", "tests", BOB));
        okAs(ANN, "share", "revoke", "tests", BOB);
        assertEquals(List.of(), folderNames(BOB));
        refusedUnchanged(1, as(ANN, "share", "revoke", "tests", BOB));

        okAs(CAT, "share", "leave", "tests");
        assertEquals(List.of(), folderNames(CAT));
        refusedUnchanged(1, as(CAT, "share", "leave", "tests"));
        refusedUnchanged(1, as(ANN, "share", "leave", "tests"));
        assertTrue(listJson(as(ANN, "share", "list", "tests")).isEmpty());
    }

    @Test
    void adminOverridesAProjectFolderForOneMember() {
        svc.projects().create(null, "p");
        svc.projects().addMember(null, "p", BOB);
        svc.projects().addMember(null, "p", CAT);
        okAs(ROOT, "folder", "create", "pf", "--project", "p", "--perm", "view");
        okAs(ROOT, "share", "set", "pf", BOB, "--perm", "edit");
        assertEquals("edit", row(listJson(as(BOB, "folder", "list")), "name", "pf").get("permission"));
        assertEquals("view", row(listJson(as(CAT, "folder", "list")), "name", "pf").get("permission"));
        List<Map<String, Object>> members = listJson(as(ROOT, "share", "list", "pf"));
        assertEquals("override", row(members, "email", BOB).get("via"));
        assertEquals("project", row(members, "email", CAT).get("via"));
        refusedUnchanged(1, as(BOB, "share", "set", "pf", CAT, "--perm", "edit"));
        refusedUnchanged(1, as(ROOT, "share", "set", "pf", DAN, "--perm", "edit"));
        refusedUnchanged(1, as(ROOT, "share", "invite", "pf", "--to", DAN, "--perm", "edit"));
        refusedUnchanged(1, as(BOB, "share", "leave", "pf"));
        refusedUnchanged(1, as(ROOT, "share", "revoke", "pf", BOB));
    }

    @Test
    void auditRecordsEveryChange() {
        long id = invite(ANN, "tests", BOB, "view");
        okAs(BOB, "invitation", "accept", Long.toString(id));
        okAs(ANN, "share", "set", "tests", BOB, "--perm", "edit");
        okAs(ANN, "folder", "rename", "tests", "t2");
        okAs(ANN, "folder", "create", "other");
        List<Map<String, Object>> all = listJson("audit");
        assertEquals(List.of("user.add", "user.add", "user.add", "user.add", "user.add", "user.add", "folder.create",
                "share.invite", "invitation.accept", "share.set", "folder.rename", "folder.create"), col(all, "action"));
        Map<String, Object> accept = all.get(8);
        assertEquals(BOB, accept.get("actor"));
        assertEquals("tests", accept.get("folder"));
        assertNotNull(accept.get("at"));
        List<Map<String, Object>> t2 = listJson("audit", "--folder", "t2");
        assertEquals(List.of("folder.create", "share.invite", "invitation.accept", "share.set", "folder.rename"), col(t2, "action"));
        assertEquals(col(t2, "id"), col(listJson("audit", "--folder", "tests"), "id"));
        String text = ok("audit", "--folder", "t2").out();
        assertTrue(text.startsWith("AT") && text.contains("folder.rename") && text.contains(BOB), text);
        // Refusals leave no trace.
        refused(1, as(BOB, "folder", "rename", "t2", "x"));
        assertEquals(all.size() + 0, listJson("audit").size());
    }
}
