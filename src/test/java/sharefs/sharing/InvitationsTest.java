package sharefs.sharing;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.sharing.SharingException.Kind.CONFLICT;
import static sharefs.sharing.SharingException.Kind.FORBIDDEN;
import static sharefs.sharing.SharingException.Kind.INVALID;
import static sharefs.sharing.SharingException.Kind.NOT_FOUND;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InvitationsTest extends SharingTestBase {

    @BeforeEach
    void users() {
        for (String u : new String[] {ANN, BOB, CAT, DAN, EVE}) user(u);
        admin(ROOT);
        folder(ANN, "tests");
    }

    @Test
    void inviteRefusesEachInviteeForItsOwnReasonAndStillInvitesTheOthers() {
        invite(ANN, "tests", BOB, Permission.VIEW);                // pending
        share(ANN, "tests", CAT, Permission.EDIT);                 // share exists
        folder(DAN, "tests");                                      // clash
        List<InviteOutcome> out = s.invitations().invite(ANN, "tests",
                List.of("ghost@x.io", ANN, BOB, CAT, DAN, "EVE@x.io"), Permission.EDIT_DELETE);
        assertEquals(6, out.size());
        assertEquals(List.of("ghost@x.io", ANN, BOB, CAT, DAN, EVE), out.stream().map(InviteOutcome::email).toList());
        Set<String> reasons = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            InviteOutcome o = out.get(i);
            assertFalse(o.invited(), o.toString());
            assertNull(o.invitationId());
            assertNotNull(o.reason());
            assertOneLine(o.reason());
            reasons.add(o.reason());
        }
        assertEquals(5, reasons.size(), "each refusal has its own reason: " + reasons);
        assertTrue(out.get(0).reason().contains("no such user"), out.get(0).reason());
        assertTrue(out.get(1).reason().contains("own"), out.get(1).reason());
        assertTrue(out.get(2).reason().contains("pending"), out.get(2).reason());
        assertTrue(out.get(3).reason().contains("already shared"), out.get(3).reason());
        assertTrue(out.get(4).reason().contains("'tests'"), out.get(4).reason());
        assertTrue(out.get(5).invited());
        Invitation e = invitation(EVE, out.get(5).invitationId());
        assertEquals("pending", e.state());
        assertEquals(Permission.EDIT_DELETE, e.permission());
        assertEquals(ANN, e.inviter());
        assertEquals(EVE, e.invitee());
        assertEquals("tests", e.folderName());
        assertConsistent();
    }

    @Test
    void theSameInviteeTwiceInOneRequestIsOneInvitation() {
        List<InviteOutcome> out = s.invitations().invite(ANN, "tests", List.of("Bob@x.io", "bob@x.io", "BOB@X.IO"), Permission.VIEW);
        assertEquals(1, out.stream().filter(InviteOutcome::invited).count(), out.toString());
        assertEquals(1, count("SELECT COUNT(*) FROM invitations"));
    }

    @Test
    void aMalformedInviteeEmailIsBadInputAndInvitesNobody() {
        refusedUnchanged(INVALID, () -> s.invitations().invite(ANN, "tests", List.of(BOB, "not an email", CAT), Permission.VIEW));
        refusedUnchanged(INVALID, () -> s.invitations().invite(ANN, "tests", List.of(), Permission.VIEW));
    }

    @Test
    void onlyTheOwnerInvites() {
        share(ANN, "tests", BOB, Permission.EDIT_DELETE);
        String m = refusedUnchanged(FORBIDDEN, () -> s.invitations().invite(BOB, "tests", List.of(CAT, DAN), Permission.VIEW));
        assertTrue(m.contains("only the owner") && m.contains(ANN), m);
        refusedUnchanged(NOT_FOUND, () -> s.invitations().invite(CAT, "tests", List.of(DAN), Permission.VIEW));
        refusedUnchanged(NOT_FOUND, () -> s.invitations().invite(ANN, "nope", List.of(DAN, EVE), Permission.VIEW));
        refusedUnchanged(NOT_FOUND, () -> s.invitations().invite("ghost@x.io", "tests", List.of(DAN, EVE), Permission.VIEW));
    }

    @Test
    void projectFoldersAreNotSharedByInvitation() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ROOT);
        s.folders().create(ROOT, "pf", "p", null, UsageMode.GENERAL);
        refusedUnchanged(FORBIDDEN, () -> s.invitations().invite(ROOT, "pf", List.of(BOB), Permission.VIEW));
    }

    @Test
    void acceptPutsTheFolderInTheViewWithThePermission() {
        long id = invite(ANN, "tests", "BOB@x.io", Permission.parse("rw"));
        assertEquals(List.of(), names(BOB), "a pending invitation shows nothing yet");
        Invitation i = s.invitations().accept("Bob@X.io", id);
        assertEquals("accepted", i.state());
        assertNotNull(i.decidedAt());
        FolderAccess f = view(BOB).get("tests");
        assertEquals("edit", f.accessLabel());
        assertEquals(ANN, f.ownerLabel());
        assertEquals(List.of(BOB), s.shares().list(ANN, "tests").stream().map(Share::email).toList());
        assertTrue(auditActions().containsAll(List.of("share.invite", "invitation.accept")));
        assertConsistent();
    }

    @Test
    void rejectAndCancelEndTheInvitationAndAllowANewOne() {
        long a = invite(ANN, "tests", BOB, Permission.VIEW);
        assertEquals("rejected", s.invitations().reject(BOB, a).state());
        assertEquals(List.of(), names(BOB));
        long b = invite(ANN, "tests", BOB, Permission.EDIT);
        assertEquals("canceled", s.invitations().cancel(ANN, b).state());
        long c = invite(ANN, "tests", BOB, Permission.EDIT_DELETE);
        s.invitations().accept(BOB, c);
        assertEquals("edit-delete", view(BOB).get("tests").accessLabel());
        assertEquals("rejected", invitation(BOB, a).state());
        assertEquals("canceled", invitation(BOB, b).state());
        assertEquals("accepted", invitation(ANN, c).state());
        List<String> actions = auditActions();
        assertTrue(actions.containsAll(List.of("invitation.reject", "invitation.cancel", "invitation.accept")), actions.toString());
    }

    @Test
    void onlyPendingInvitationsMove() {
        long acc = invite(ANN, "tests", BOB, Permission.VIEW);
        s.invitations().accept(BOB, acc);
        folder(ANN, "t2");
        long rej = invite(ANN, "t2", BOB, Permission.VIEW);
        s.invitations().reject(BOB, rej);
        folder(ANN, "t3");
        long can = invite(ANN, "t3", BOB, Permission.VIEW);
        s.invitations().cancel(ANN, can);
        for (long id : new long[] {acc, rej, can}) {
            String m = refusedUnchanged(CONFLICT, () -> s.invitations().accept(BOB, id));
            assertTrue(m.contains("not pending"), m);
            refusedUnchanged(CONFLICT, () -> s.invitations().reject(BOB, id));
            refusedUnchanged(CONFLICT, () -> s.invitations().cancel(ANN, id));
        }
        refusedUnchanged(NOT_FOUND, () -> s.invitations().accept(BOB, 999_999));
        refusedUnchanged(NOT_FOUND, () -> s.invitations().cancel(ANN, 999_999));
    }

    @Test
    void nobodyElseMovesAnInvitation() {
        long id = invite(ANN, "tests", BOB, Permission.VIEW);
        String m = refusedUnchanged(FORBIDDEN, () -> s.invitations().accept(CAT, id));
        assertTrue(m.contains("only the invitee"), m);
        refusedUnchanged(FORBIDDEN, () -> s.invitations().reject(CAT, id));
        refusedUnchanged(FORBIDDEN, () -> s.invitations().cancel(CAT, id));
        refusedUnchanged(FORBIDDEN, () -> s.invitations().accept(ANN, id));
        refusedUnchanged(FORBIDDEN, () -> s.invitations().reject(ANN, id));
        m = refusedUnchanged(FORBIDDEN, () -> s.invitations().cancel(BOB, id));
        assertTrue(m.contains("only the inviter"), m);
        refusedUnchanged(FORBIDDEN, () -> s.invitations().accept(ROOT, id));
        refusedUnchanged(NOT_FOUND, () -> s.invitations().accept("ghost@x.io", id));
        assertEquals("pending", invitation(BOB, id).state());
    }

    @Test
    void listShowsReceivedAndSentWithIdsAndStates() {
        folder(BOB, "bobs");
        long sent = invite(ANN, "tests", BOB, Permission.VIEW);
        long received = invite(BOB, "bobs", ANN, Permission.EDIT);
        s.invitations().reject(ANN, received);
        List<Invitation> ann = s.invitations().list(ANN);
        assertEquals(List.of(received, sent), ann.stream().map(Invitation::id).toList(), "newest first");
        assertEquals("rejected", ann.get(0).state());
        assertEquals(ANN, ann.get(0).invitee());
        assertEquals("pending", ann.get(1).state());
        assertEquals(ANN, ann.get(1).inviter());
        assertEquals(2, s.invitations().list(BOB).size());
        assertTrue(s.invitations().list(CAT).isEmpty());
    }

    @Test
    void acceptChecksTheNameClashAgain() {
        long id = invite(ANN, "tests", BOB, Permission.VIEW);
        folder(BOB, "tests");
        String m = refusedUnchanged(CONFLICT, () -> s.invitations().accept(BOB, id));
        assertTrue(m.contains("'tests'"), m);
        assertEquals("pending", invitation(BOB, id).state());
        s.folders().rename(BOB, "tests", "my-tests");
        s.invitations().accept(BOB, id);
        assertEquals(List.of("my-tests", "tests"), names(BOB));
        assertConsistent();
    }

    @Test
    void acceptChecksClashesWithProjectFoldersAndOtherShares() {
        long id = invite(ANN, "tests", BOB, Permission.VIEW);
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", BOB);
        s.folders().create(ROOT, "tests", "p", null, UsageMode.GENERAL);
        refusedUnchanged(CONFLICT, () -> s.invitations().accept(BOB, id));

        folder(CAT, "shared");
        folder(DAN, "shared");
        share(CAT, "shared", EVE, Permission.VIEW);
        long second = invite(DAN, "shared", ANN, Permission.VIEW);
        s.invitations().accept(ANN, second);
        // EVE sees CAT's "shared": DAN's invitation to EVE is refused outright.
        List<InviteOutcome> out = s.invitations().invite(DAN, "shared", List.of(EVE), Permission.VIEW);
        assertFalse(out.get(0).invited());
        assertConsistent();
    }

    @Test
    void aRenameWhileAnInvitationIsPendingIsSeenOnAccept() {
        long id = invite(ANN, "tests", BOB, Permission.VIEW);
        s.folders().rename(ANN, "tests", "renamed");
        assertEquals("renamed", invitation(BOB, id).folderName());
        s.invitations().accept(BOB, id);
        assertEquals(List.of("renamed"), names(BOB));
        assertConsistent();
    }

    @Test
    void permissionsAndAliases() {
        assertEquals(Permission.VIEW, Permission.parse("view"));
        assertEquals(Permission.VIEW, Permission.parse("ro"));
        assertEquals(Permission.EDIT, Permission.parse("edit"));
        assertEquals(Permission.EDIT, Permission.parse("rw"));
        assertEquals(Permission.EDIT_DELETE, Permission.parse("edit-delete"));
        assertEquals(Permission.EDIT_DELETE, Permission.parse("wd"));
        assertEquals(Permission.EDIT_DELETE, Permission.parse("WD"));
        for (String bad : new String[] {"owner", "read", "", "edit_delete", "rwx", "e"}) {
            String m = refused(INVALID, () -> Permission.parse(bad));
            assertTrue(m.contains("view|edit|edit-delete"), m);
        }
        refused(INVALID, () -> Permission.parse(null));
        assertEquals("edit-delete", Permission.EDIT_DELETE.label());
        assertFalse(Permission.VIEW.mayWrite());
        assertTrue(Permission.EDIT.mayWrite());
        assertFalse(Permission.EDIT.mayDelete());
        assertTrue(Permission.EDIT_DELETE.mayDelete());
    }
}
