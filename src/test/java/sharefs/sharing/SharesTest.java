package sharefs.sharing;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.sharing.SharingException.Kind.FORBIDDEN;
import static sharefs.sharing.SharingException.Kind.INVALID;
import static sharefs.sharing.SharingException.Kind.NOT_FOUND;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SharesTest extends SharingTestBase {

    @BeforeEach
    void users() {
        for (String u : new String[] {ANN, BOB, CAT, DAN}) user(u);
        admin(ROOT);
        folder(ANN, "tests");
    }

    @Test
    void ownerListsAcceptedSharesOnly() {
        share(ANN, "tests", BOB, Permission.VIEW);
        share(ANN, "tests", CAT, Permission.EDIT_DELETE);
        invite(ANN, "tests", DAN, Permission.EDIT);
        List<Share> shares = s.shares().list(ANN, "tests");
        assertEquals(List.of(BOB, CAT), shares.stream().map(Share::email).toList());
        assertEquals(Permission.VIEW, shares.get(0).permission());
        assertEquals(Permission.EDIT_DELETE, shares.get(1).permission());
        assertNotNull(shares.get(0).since());
        assertEquals("share", shares.get(0).via());
        String m = refused(FORBIDDEN, () -> s.shares().list(CAT, "tests"));
        assertTrue(m.contains(ANN), m);
        refused(NOT_FOUND, () -> s.shares().list(DAN, "tests"));
    }

    @Test
    void ownerChangesAPermission() {
        share(ANN, "tests", BOB, Permission.VIEW);
        s.shares().set(ANN, "tests", "BOB@x.io", Permission.parse("wd"));
        assertEquals("edit-delete", view(BOB).get("tests").accessLabel());
        s.shares().set(ANN, "tests", BOB, Permission.parse("ro"));
        assertEquals("view", view(BOB).get("tests").accessLabel());
        AuditEntry last = s.audit().list("tests").get(s.audit().list("tests").size() - 1);
        assertEquals("share.set", last.action());
        assertEquals(BOB, last.target());
        assertTrue(last.detail().contains("view"), last.detail());
    }

    @Test
    void setRefusals() {
        share(ANN, "tests", BOB, Permission.EDIT_DELETE);
        invite(ANN, "tests", CAT, Permission.VIEW);
        String m = refusedUnchanged(FORBIDDEN, () -> s.shares().set(BOB, "tests", BOB, Permission.VIEW));
        assertTrue(m.contains("only the owner"), m);
        refusedUnchanged(NOT_FOUND, () -> s.shares().set(ANN, "tests", CAT, Permission.EDIT)); // pending is not a share
        refusedUnchanged(NOT_FOUND, () -> s.shares().set(ANN, "tests", DAN, Permission.EDIT));
        refusedUnchanged(NOT_FOUND, () -> s.shares().set(ANN, "tests", "ghost@x.io", Permission.EDIT));
        refusedUnchanged(INVALID, () -> s.shares().set(ANN, "tests", "ghost", Permission.EDIT));
        refusedUnchanged(NOT_FOUND, () -> s.shares().set(ANN, "nope", BOB, Permission.EDIT));
        // The owner is not a permission level: a rule refusal, not a usage error.
        m = refused(s.shares(), ANN);
        assertTrue(m.contains("owner"), m);
    }

    private String refused(Shares shares, String owner) {
        String before = snapshot();
        SharingException e = org.junit.jupiter.api.Assertions.assertThrows(SharingException.class,
                () -> shares.set(owner, "tests", owner, Permission.VIEW));
        assertNotEquals(INVALID, e.kind(), "setting the owner's own permission is a rule refusal (exit 1)");
        assertOneLine(e.getMessage());
        assertEquals(before, snapshot());
        return e.getMessage();
    }

    @Test
    void ownerKicksOut() {
        share(ANN, "tests", BOB, Permission.EDIT);
        share(ANN, "tests", CAT, Permission.EDIT_DELETE);
        String m = refusedUnchanged(FORBIDDEN, () -> s.shares().revoke(CAT, "tests", BOB));
        assertTrue(m.contains("only the owner"), m);
        s.shares().revoke(ANN, "tests", "Bob@x.io");
        assertEquals(List.of(), names(BOB));
        assertEquals(List.of(CAT), s.shares().list(ANN, "tests").stream().map(Share::email).toList());
        refusedUnchanged(NOT_FOUND, () -> s.shares().revoke(ANN, "tests", BOB));
        refusedUnchanged(NOT_FOUND, () -> s.shares().revoke(ANN, "tests", ANN));
        refusedUnchanged(NOT_FOUND, () -> s.shares().revoke(ANN, "nope", CAT));
        // Kicked out users can be invited again.
        share(ANN, "tests", BOB, Permission.VIEW);
        assertEquals("view", view(BOB).get("tests").accessLabel());
        assertTrue(auditActions().contains("share.revoke"));
        assertConsistent();
    }

    @Test
    void inviteeLeaves() {
        share(ANN, "tests", BOB, Permission.VIEW);
        s.shares().leave(BOB, "tests");
        assertEquals(List.of(), names(BOB));
        assertTrue(s.shares().list(ANN, "tests").isEmpty());
        refusedUnchanged(NOT_FOUND, () -> s.shares().leave(BOB, "tests"));
        assertTrue(auditActions().contains("share.leave"));
        // The owner cannot "leave" their own folder: that is a rule refusal, not bad input.
        String before = snapshot();
        SharingException e = org.junit.jupiter.api.Assertions.assertThrows(SharingException.class, () -> s.shares().leave(ANN, "tests"));
        assertNotEquals(INVALID, e.kind());
        assertEquals(before, snapshot());
        assertConsistent();
    }

    @Test
    void projectFolderIsLeftThroughTheProjectNotByShareCommands() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", BOB);
        s.folders().create(ROOT, "pf", "p", null, UsageMode.GENERAL);
        String before = snapshot();
        SharingException e = org.junit.jupiter.api.Assertions.assertThrows(SharingException.class, () -> s.shares().leave(BOB, "pf"));
        assertNotEquals(INVALID, e.kind(), "a rule refusal (exit 1), not a usage error");
        e = org.junit.jupiter.api.Assertions.assertThrows(SharingException.class, () -> s.shares().revoke(ROOT, "pf", BOB));
        assertNotEquals(INVALID, e.kind(), "a rule refusal (exit 1), not a usage error");
        assertEquals(before, snapshot());
    }

    @Test
    void adminOverridesAProjectFolderPermissionForOneMember() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", BOB);
        s.projects().addMember(null, "p", CAT);
        s.folders().create(ROOT, "pf", "p", Permission.VIEW, UsageMode.GENERAL);
        s.shares().set(ROOT, "pf", BOB, Permission.EDIT_DELETE);
        assertEquals("edit-delete", view(BOB).get("pf").accessLabel());
        assertEquals("view", view(CAT).get("pf").accessLabel());
        List<Share> list = s.shares().list(ROOT, "pf");
        assertEquals(List.of(BOB, CAT), list.stream().map(Share::email).sorted().toList());
        Share bob = list.stream().filter(x -> x.email().equals(BOB)).findFirst().orElseThrow();
        assertEquals(Permission.EDIT_DELETE, bob.permission());
        assertEquals("override", bob.via());
        Share cat = list.stream().filter(x -> x.email().equals(CAT)).findFirst().orElseThrow();
        assertEquals(Permission.VIEW, cat.permission());
        assertEquals("project", cat.via());

        refusedUnchanged(FORBIDDEN, () -> s.shares().set(BOB, "pf", CAT, Permission.EDIT));
        refusedUnchanged(FORBIDDEN, () -> s.shares().list(BOB, "pf"));
        refusedUnchanged(NOT_FOUND, () -> s.shares().set(ROOT, "pf", DAN, Permission.EDIT));
        assertConsistent();
    }

    @Test
    void adminWhoIsAlsoAMemberOverridesToo() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ROOT);
        s.projects().addMember(null, "p", BOB);
        s.folders().create(ROOT, "pf", "p", null, UsageMode.GENERAL);
        s.shares().set(ROOT, "pf", BOB, Permission.VIEW);
        assertEquals("view", view(BOB).get("pf").accessLabel());
        assertEquals("edit", view(ROOT).get("pf").accessLabel());
    }
}
