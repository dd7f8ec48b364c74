package sharefs.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditTest extends SharingTestBase {

    @Test
    void everyChangeIsRecordedInOrderWithActorAndTarget() {
        admin("root@x.io");
        user("ann@x.io");
        user("bob@x.io");
        user("cat@x.io");
        s.projects().create("root@x.io", "p");
        s.projects().addMember(null, "p", "ann@x.io");
        s.folders().create("root@x.io", "pf", "p", Permission.VIEW, UsageMode.GENERAL);
        s.shares().set("root@x.io", "pf", "ann@x.io", Permission.EDIT);
        s.projects().removeMember(null, "p", "ann@x.io");
        folder("ann@x.io", "a");
        long i1 = invite("ann@x.io", "a", "bob@x.io", Permission.VIEW);
        s.invitations().accept("bob@x.io", i1);
        long i2 = invite("ann@x.io", "a", "cat@x.io", Permission.VIEW);
        s.invitations().reject("cat@x.io", i2);
        long i3 = invite("ann@x.io", "a", "cat@x.io", Permission.VIEW);
        s.invitations().cancel("ann@x.io", i3);
        s.shares().set("ann@x.io", "a", "bob@x.io", Permission.EDIT);
        s.folders().rename("ann@x.io", "a", "b");
        s.shares().revoke("ann@x.io", "b", "bob@x.io");
        share("ann@x.io", "b", "bob@x.io", Permission.VIEW);
        s.shares().leave("bob@x.io", "b");
        s.folders().delete("ann@x.io", "b");
        s.folders().restore("ann@x.io", "b", null);
        s.folders().delete("ann@x.io", "b");
        s.folders().purge("ann@x.io", "b");

        List<AuditEntry> all = s.audit().list(null);
        assertEquals(List.of("user.add", "user.add", "user.add", "user.add", "project.create", "project.add-member",
                "folder.create", "share.set", "project.remove-member", "folder.create", "share.invite", "invitation.accept",
                "share.invite", "invitation.reject", "share.invite", "invitation.cancel", "share.set", "folder.rename",
                "share.revoke", "share.invite", "invitation.accept", "share.leave", "folder.delete", "folder.restore",
                "folder.delete", "folder.purge"), all.stream().map(AuditEntry::action).collect(Collectors.toList()));
        for (int i = 1; i < all.size(); i++) assertTrue(all.get(i).id() > all.get(i - 1).id());
        all.forEach(e -> assertNotNull(e.at()));
        assertEquals("operator", all.get(0).actor());
        assertEquals("root@x.io", all.get(4).actor());
        AuditEntry accept = all.get(11);
        assertEquals("bob@x.io", accept.actor());
        assertEquals("a", accept.folderName());
        AuditEntry invite = all.get(10);
        assertEquals("ann@x.io", invite.actor());
        assertEquals("bob@x.io", invite.target());
        assertTrue(invite.detail().contains("view"), invite.detail());
    }

    @Test
    void folderFilterFollowsTheFolderAcrossRenamesAndById() {
        user("ann@x.io");
        user("bob@x.io");
        String id = folder("ann@x.io", "a").folderId();
        folder("ann@x.io", "other");
        share("ann@x.io", "a", "bob@x.io", Permission.VIEW);
        s.folders().rename("ann@x.io", "a", "b");
        List<String> byNew = s.audit().list("b").stream().map(AuditEntry::action).toList();
        assertEquals(List.of("folder.create", "share.invite", "invitation.accept", "folder.rename"), byNew);
        assertEquals(byNew, s.audit().list("a").stream().map(AuditEntry::action).toList());
        assertEquals(byNew, s.audit().list(id).stream().map(AuditEntry::action).toList());
        assertEquals(1, s.audit().list("other").size());
        assertTrue(s.audit().list("nothing").isEmpty());
    }

    @Test
    void refusalsRecordNothing() {
        user("ann@x.io");
        user("bob@x.io");
        folder("ann@x.io", "a");
        share("ann@x.io", "a", "bob@x.io", Permission.EDIT_DELETE);
        int before = s.audit().list(null).size();
        long counter = s.db().changeCounter();
        try { s.folders().rename("bob@x.io", "a", "c"); } catch (SharingException expected) { }
        try { s.folders().delete("bob@x.io", "a"); } catch (SharingException expected) { }
        try { folder("bob@x.io", "a"); } catch (SharingException expected) { }
        try { s.users().add(null, "ANN@x.io", null, false); } catch (SharingException expected) { }
        assertEquals(before, s.audit().list(null).size());
        assertEquals(counter, s.db().changeCounter(), "a refused change does not bump the change counter");
        s.folders().rename("ann@x.io", "a", "c");
        assertTrue(s.db().changeCounter() > counter, "a change bumps the change counter");
    }
}
