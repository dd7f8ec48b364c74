package sharefs.sharing;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.sharing.SharingException.Kind.CONFLICT;
import static sharefs.sharing.SharingException.Kind.FORBIDDEN;
import static sharefs.sharing.SharingException.Kind.INVALID;
import static sharefs.sharing.SharingException.Kind.NOT_FOUND;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FoldersTest extends SharingTestBase {

    @BeforeEach
    void users() {
        user(ANN);
        user(BOB);
        user(CAT);
        admin(ROOT);
    }

    @Test
    void createMakesTheFolderAndItsBackingDirectory() throws Exception {
        FolderAccess f = s.folders().create("Ann@X.io", "tests", null, null, UsageMode.GENERAL);
        UUID.fromString(f.folderId());
        assertEquals("tests", f.name());
        assertTrue(f.owner());
        assertEquals("owner", f.accessLabel());
        assertEquals(ANN, f.ownerLabel());
        Path backing = dir.resolve("storage").resolve(f.folderId());
        assertTrue(Files.isDirectory(backing), backing + " missing");
        assertEquals(home.folderDir(f.folderId()), backing);
        assertTrue(Files.isDirectory(dir.resolve("storage").resolve(".trash")));
        FolderAccess listed = view(ANN).get("tests");
        assertEquals(f.folderId(), listed.folderId());
        assertEquals("owner", listed.accessLabel());
        assertEquals(UsageMode.GENERAL, listed.usage());
        assertEquals(List.of("folder.create"), auditActions().subList(4, 5));
    }

    @Test
    void usageModeIsKept() {
        s.folders().create(ANN, "d", null, null, UsageMode.DATA);
        s.folders().create(ANN, "m", null, null, UsageMode.MODEL);
        assertEquals(UsageMode.DATA, view(ANN).get("d").usage());
        assertEquals(UsageMode.MODEL, view(ANN).get("m").usage());
        assertEquals(UsageMode.MODEL, UsageMode.parse("Model"));
        refused(INVALID, () -> UsageMode.parse("video"));
    }

    /**
     * A process killed after it moved a folder's bytes and before its transaction committed (a
     * kill -9 of a CLI call, the faults test's loop): the next process to open the database puts
     * the bytes where the committed state says, both ways.
     */
    @Test
    void aMoveOfBytesThatACrashCutShortIsFinishedByTheNextOpen() throws Exception {
        String doomed = folder(ANN, "doomed").folderId();
        String back = folder(ANN, "back").folderId();
        s.folders().delete(ANN, "back");
        assertTrue(Files.isDirectory(home.trashedFolderDir(back)));
        // As the killed calls left them: the bytes moved, the rows not.
        FolderBytes bytes = new FolderBytes(home);
        bytes.toTrash(doomed);
        bytes.fromTrash(back);
        assertFalse(Files.isDirectory(home.folderDir(doomed)), "the crash's state: an active folder without its bytes");

        Sharing next = new Sharing(s.db(), home);
        assertTrue(Files.isDirectory(home.folderDir(doomed)), "the active folder has its bytes again");
        assertFalse(Files.exists(home.trashedFolderDir(doomed)));
        assertTrue(Files.isDirectory(home.trashedFolderDir(back)), "the trashed folder's bytes are back in the trash");
        assertFalse(Files.exists(home.folderDir(back)));
        assertEquals(List.of(), bytes.marked(), "no mark is left");
        assertEquals(List.of("doomed"), next.folders().view(ANN).stream().map(FolderAccess::name).toList());
    }

    @Test
    void folderNamesAreValidated() throws Exception {
        for (String ok : new String[] {"a", "Z", "0", "a.b", "a_b", "a-b", "...", ".hidden", "x".repeat(64), "AZaz09._-"}) {
            folder(ANN, ok);
        }
        List<String> before = storageDirs();
        for (String bad : new String[] {"", ".", "..", "x".repeat(65), "a/b", "/", "a b", "a\nb", "é", "a*", "a:b", "a\\b", "\u0000", "-x", "--", "-"}) {
            String m = refusedUnchanged(INVALID, () -> folder(ANN, bad));
            assertTrue(m.contains("invalid folder name"), m);
        }
        refused(INVALID, () -> folder(ANN, null));
        assertEquals(before, storageDirs());
    }

    @Test
    void createIsRefusedWhenTheNameIsAlreadyInTheViewAndLeavesNoDirectoryBehind() throws Exception {
        folder(ANN, "own");
        folder(BOB, "shared");
        share(BOB, "shared", ANN, Permission.VIEW);
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.folders().create(ROOT, "proj", "p", null, UsageMode.GENERAL);
        List<String> dirs = storageDirs();
        for (String clash : new String[] {"own", "shared", "proj"}) {
            String m = refusedUnchanged(CONFLICT, () -> folder(ANN, clash));
            assertTrue(m.contains("'" + clash + "'"), m);
        }
        assertEquals(dirs, storageDirs());
        // Other users may use the same names; names are case-sensitive.
        folder(CAT, "own");
        folder(ANN, "OWN");
        assertConsistent();
    }

    @Test
    void createRefusals() throws Exception {
        List<String> dirs = storageDirs();
        refusedUnchanged(NOT_FOUND, () -> folder("ghost@x.io", "a"));
        refusedUnchanged(INVALID, () -> folder("ghost", "a"));
        refusedUnchanged(INVALID, () -> s.folders().create(ANN, "a", null, Permission.VIEW, UsageMode.GENERAL));
        s.projects().create(null, "p");
        refusedUnchanged(FORBIDDEN, () -> s.folders().create(ANN, "a", "p", null, UsageMode.GENERAL));
        refusedUnchanged(NOT_FOUND, () -> s.folders().create(ROOT, "a", "nope", null, UsageMode.GENERAL));
        assertEquals(dirs, storageDirs());
    }

    @Test
    void projectFolderGivesMembersItsPermission() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.projects().addMember(null, "p", BOB);
        FolderAccess v = s.folders().create(ROOT, "ro", "p", Permission.VIEW, UsageMode.GENERAL);
        assertFalse(v.owner());
        assertEquals("project:p", v.ownerLabel());
        s.folders().create(ROOT, "rw", "p", null, UsageMode.GENERAL);
        s.folders().create(ROOT, "wd", "p", Permission.EDIT_DELETE, UsageMode.GENERAL);
        for (String m : new String[] {ANN, BOB}) {
            assertEquals("view", view(m).get("ro").accessLabel());
            assertEquals("edit", view(m).get("rw").accessLabel(), "default is edit");
            assertEquals("edit-delete", view(m).get("wd").accessLabel());
            assertEquals("project:p", view(m).get("rw").ownerLabel());
        }
        assertEquals(List.of(), names(CAT));
        assertConsistent();
    }

    @Test
    void projectFolderIsRefusedWhenAMemberAlreadySeesTheNameAndSaysWho() throws Exception {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.projects().addMember(null, "p", BOB);
        folder(BOB, "data");
        List<String> dirs = storageDirs();
        String m = refusedUnchanged(CONFLICT, () -> s.folders().create(ROOT, "data", "p", null, UsageMode.GENERAL));
        assertTrue(m.contains(BOB) && m.contains("'data'"), m);
        assertEquals(dirs, storageDirs());
    }

    @Test
    void folderListShowsEveryFolderInTheViewWithOwnerPermissionAndUsage() {
        folder(ANN, "mine");
        s.folders().create(BOB, "b-view", null, null, UsageMode.MODEL);
        folder(BOB, "b-edit");
        folder(CAT, "c-wd");
        share(BOB, "b-view", ANN, Permission.VIEW);
        share(BOB, "b-edit", ANN, Permission.EDIT);
        share(CAT, "c-wd", ANN, Permission.EDIT_DELETE);
        folder(BOB, "b-pending");
        invite(BOB, "b-pending", ANN, Permission.EDIT);
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.folders().create(ROOT, "proj", "p", Permission.VIEW, UsageMode.DATA);

        List<FolderAccess> list = s.folders().view(ANN);
        assertEquals(List.of("b-edit", "b-view", "c-wd", "mine", "proj"), list.stream().map(FolderAccess::name).toList());
        var v = view(ANN);
        assertEquals("owner", v.get("mine").accessLabel());
        assertEquals(ANN, v.get("mine").ownerLabel());
        assertEquals("view", v.get("b-view").accessLabel());
        assertEquals(BOB, v.get("b-view").ownerLabel());
        assertEquals(UsageMode.MODEL, v.get("b-view").usage());
        assertFalse(v.get("b-view").mayWrite());
        assertEquals("edit", v.get("b-edit").accessLabel());
        assertTrue(v.get("b-edit").mayWrite());
        assertFalse(v.get("b-edit").mayDelete());
        assertEquals("edit-delete", v.get("c-wd").accessLabel());
        assertEquals(CAT, v.get("c-wd").ownerLabel());
        assertTrue(v.get("c-wd").mayDelete());
        assertEquals("view", v.get("proj").accessLabel());
        assertEquals("project:p", v.get("proj").ownerLabel());
        assertEquals(UsageMode.DATA, v.get("proj").usage());
        assertConsistent();
    }

    @Test
    void ownerRenamesAndEveryViewFollowsWhileTheBytesStay() throws Exception {
        FolderAccess f = folder(ANN, "old");
        Files.writeString(home.folderDir(f.folderId()).resolve("hello.txt"), "hi");
        share(ANN, "old", BOB, Permission.EDIT);
        s.folders().rename(ANN, "old", "new");
        assertEquals(List.of("new"), names(ANN));
        assertEquals(List.of("new"), names(BOB));
        assertEquals(f.folderId(), view(BOB).get("new").folderId());
        assertEquals("edit", view(BOB).get("new").accessLabel());
        assertEquals("hi", Files.readString(home.folderDir(f.folderId()).resolve("hello.txt")));
        assertEquals(List.of(BOB), s.shares().list(ANN, "new").stream().map(Share::email).toList());
        AuditEntry last = s.audit().list(null).get(s.audit().list(null).size() - 1);
        assertEquals("folder.rename", last.action());
        assertTrue(last.detail().contains("old") && last.detail().contains("new"), last.detail());
        // Renaming to the same name is a no-op, not a clash with itself.
        s.folders().rename(ANN, "new", "new");
        // The old name is free again.
        folder(ANN, "old");
        assertConsistent();
    }

    @Test
    void onlyTheOwnerRenamesEvenWithEditDelete() {
        folder(ANN, "tests");
        share(ANN, "tests", BOB, Permission.EDIT_DELETE);
        share(ANN, "tests", CAT, Permission.VIEW);
        String m = refusedUnchanged(FORBIDDEN, () -> s.folders().rename(BOB, "tests", "mine"));
        assertTrue(m.contains("only the owner") && m.contains(ANN), m);
        refusedUnchanged(FORBIDDEN, () -> s.folders().rename(CAT, "tests", "mine"));
        refusedUnchanged(NOT_FOUND, () -> s.folders().rename(ANN, "nope", "x"));
        refusedUnchanged(NOT_FOUND, () -> s.folders().rename(ROOT, "tests", "x"));
        refusedUnchanged(INVALID, () -> s.folders().rename(ANN, "tests", "a/b"));
        refusedUnchanged(INVALID, () -> s.folders().rename(ANN, "tests", ".."));
        refusedUnchanged(INVALID, () -> s.folders().rename(ANN, "tests", ""));
        assertEquals(List.of("tests"), names(BOB));
    }

    @Test
    void renameIsRefusedWhenTheNewNameClashesForTheOwnerOrAnInviteeAndSaysWho() {
        folder(ANN, "a");
        folder(ANN, "taken-by-ann");
        share(ANN, "a", BOB, Permission.VIEW);
        share(ANN, "a", CAT, Permission.EDIT);
        folder(CAT, "taken-by-cat");
        String m = refusedUnchanged(CONFLICT, () -> s.folders().rename(ANN, "a", "taken-by-ann"));
        assertTrue(m.contains(ANN) && m.contains("taken-by-ann"), m);
        m = refusedUnchanged(CONFLICT, () -> s.folders().rename(ANN, "a", "taken-by-cat"));
        assertTrue(m.contains(CAT) && m.contains("taken-by-cat"), m);
        assertFalse(m.contains(BOB), m);
        // A project member who sees the name blocks the rename too.
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", BOB);
        s.folders().create(ROOT, "proj", "p", null, UsageMode.GENERAL);
        m = refusedUnchanged(CONFLICT, () -> s.folders().rename(ANN, "a", "proj"));
        assertTrue(m.contains(BOB), m);
        assertConsistent();
    }

    @Test
    void adminsRenameAndDeleteProjectFoldersMembersDoNot() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.projects().addMember(null, "p", BOB);
        s.folders().create(ROOT, "data", "p", null, UsageMode.GENERAL);
        folder(BOB, "clash");
        String m = refusedUnchanged(FORBIDDEN, () -> s.folders().rename(ANN, "data", "x"));
        assertTrue(m.contains("admin"), m);
        refusedUnchanged(FORBIDDEN, () -> s.folders().delete(ANN, "data"));
        m = refusedUnchanged(CONFLICT, () -> s.folders().rename(ROOT, "data", "clash"));
        assertTrue(m.contains(BOB), m);
        s.folders().rename(ROOT, "data", "data2");
        assertEquals(List.of("data2"), names(ANN));
        s.folders().delete(ROOT, "data2");
        assertEquals(List.of(), names(ANN));
        assertConsistent();
    }

    @Test
    void deleteLeavesEveryViewEndsSharesCancelsInvitationsAndMovesBytesToTrash() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Files.writeString(home.folderDir(f.folderId()).resolve("hello.txt"), "hi");
        Files.createDirectory(home.folderDir(f.folderId()).resolve("myfolder"));
        share(ANN, "tests", BOB, Permission.EDIT_DELETE);
        long pending = invite(ANN, "tests", CAT, Permission.VIEW);

        s.folders().delete(ANN, "tests");

        assertEquals(List.of(), names(ANN));
        assertEquals(List.of(), names(BOB));
        assertEquals(0, count("SELECT COUNT(*) FROM shares"));
        assertEquals("canceled", invitation(CAT, pending).state());
        assertFalse(Files.exists(home.folderDir(f.folderId())));
        Path trashed = dir.resolve("storage").resolve(".trash").resolve(f.folderId());
        assertEquals("hi", Files.readString(trashed.resolve("hello.txt")));
        assertTrue(Files.isDirectory(trashed.resolve("myfolder")));
        List<TrashedFolder> trash = s.folders().trash(ANN);
        assertEquals(1, trash.size());
        assertEquals("tests", trash.get(0).name());
        assertEquals(f.folderId(), trash.get(0).id());
        assertEquals(ANN, trash.get(0).owner());
        assertTrue(s.folders().trash(BOB).isEmpty());
        // The invitee can no longer accept the canceled invitation; the name is free for everyone.
        refused(CONFLICT, () -> s.invitations().accept(CAT, pending));
        folder(ANN, "tests");
        folder(BOB, "tests");
        AuditEntry del = s.audit().list(null).stream().filter(a -> a.action().equals("folder.delete")).findFirst().orElseThrow();
        assertTrue(del.detail().contains("canceled 1"), del.detail());
        assertConsistent();
    }

    @Test
    void onlyTheOwnerDeletes() throws Exception {
        folder(ANN, "tests");
        share(ANN, "tests", BOB, Permission.EDIT_DELETE);
        String m = refusedUnchanged(FORBIDDEN, () -> s.folders().delete(BOB, "tests"));
        assertTrue(m.contains("only the owner") && m.contains(ANN), m);
        refusedUnchanged(NOT_FOUND, () -> s.folders().delete(CAT, "tests"));
        refusedUnchanged(NOT_FOUND, () -> s.folders().delete(ANN, "nope"));
    }

    @Test
    void restoreBringsTheFolderBackWithoutItsShares() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Files.writeString(home.folderDir(f.folderId()).resolve("a.txt"), "x");
        share(ANN, "tests", BOB, Permission.EDIT);
        s.folders().delete(ANN, "tests");
        FolderAccess r = s.folders().restore(ANN, "tests", null);
        assertEquals(f.folderId(), r.folderId());
        assertEquals("tests", r.name());
        assertTrue(r.owner());
        assertEquals("x", Files.readString(home.folderDir(f.folderId()).resolve("a.txt")));
        assertFalse(Files.exists(home.trashedFolderDir(f.folderId())));
        assertEquals(List.of("tests"), names(ANN));
        assertEquals(List.of(), names(BOB));
        assertTrue(s.folders().trash(ANN).isEmpty());
        assertTrue(auditActions().contains("folder.restore"));
        assertConsistent();
    }

    @Test
    void restoreChecksTheNameClashAndCanRestoreUnderAnotherName() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        s.folders().delete(ANN, "tests");
        folder(ANN, "tests");
        String m = refusedUnchanged(CONFLICT, () -> s.folders().restore(ANN, "tests", null));
        assertTrue(m.contains("'tests'"), m);
        assertTrue(Files.isDirectory(home.trashedFolderDir(f.folderId())), "bytes stay in trash after a refused restore");
        refusedUnchanged(INVALID, () -> s.folders().restore(ANN, "tests", "bad/name"));
        FolderAccess r = s.folders().restore(ANN, "tests", "tests-old");
        assertEquals("tests-old", r.name());
        assertEquals(f.folderId(), view(ANN).get("tests-old").folderId());
        assertTrue(Files.isDirectory(home.folderDir(f.folderId())));
        assertConsistent();
    }

    @Test
    void restoreOfAProjectFolderChecksEveryMember() {
        s.projects().create(null, "p");
        s.projects().addMember(null, "p", ANN);
        s.folders().create(ROOT, "data", "p", Permission.VIEW, UsageMode.GENERAL);
        s.folders().delete(ROOT, "data");
        folder(ANN, "data");
        String m = refusedUnchanged(CONFLICT, () -> s.folders().restore(ROOT, "data", null));
        assertTrue(m.contains(ANN), m);
        s.folders().restore(ROOT, "data", "data2");
        assertEquals("view", view(ANN).get("data2").accessLabel());
        assertConsistent();
    }

    @Test
    void trashedFoldersOfOneNameAreRestoredById() {
        String first = folder(ANN, "t").folderId();
        s.folders().delete(ANN, "t");
        String second = folder(ANN, "t").folderId();
        s.folders().delete(ANN, "t");
        assertEquals(2, s.folders().trash(ANN).size());
        refusedUnchanged(CONFLICT, () -> s.folders().restore(ANN, "t", null));
        assertEquals(first, s.folders().restore(ANN, first, null).folderId());
        refused(CONFLICT, () -> s.folders().restore(ANN, second, null));
        assertEquals(second, s.folders().restore(ANN, second, "t2").folderId());
    }

    @Test
    void purgeRemovesTheBytesForGood() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Files.createDirectories(home.folderDir(f.folderId()).resolve("a/b"));
        Files.writeString(home.folderDir(f.folderId()).resolve("a/b/c.txt"), "x");
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        Files.createSymbolicLink(home.folderDir(f.folderId()).resolve("link"), outside);
        refusedUnchanged(NOT_FOUND, () -> s.folders().purge(ANN, "tests")); // not trashed
        s.folders().delete(ANN, "tests");
        refusedUnchanged(NOT_FOUND, () -> s.folders().purge(BOB, "tests"));
        refusedUnchanged(NOT_FOUND, () -> s.folders().restore(BOB, "tests", null));
        s.folders().purge(ANN, f.folderId());
        assertFalse(Files.exists(home.trashedFolderDir(f.folderId())));
        assertFalse(Files.exists(home.folderDir(f.folderId())));
        assertEquals("keep", Files.readString(outside), "purge must not follow symlinks");
        assertTrue(s.folders().trash(ANN).isEmpty());
        refusedUnchanged(NOT_FOUND, () -> s.folders().restore(ANN, f.folderId(), null));
        refusedUnchanged(NOT_FOUND, () -> s.folders().purge(ANN, f.folderId()));
        assertTrue(auditActions().contains("folder.purge"));
    }

    private long state(String folderId, String state) {
        return count("SELECT COUNT(*) FROM folders WHERE id = ? AND state = ?", folderId, state);
    }

    /**
     * A tree whose joined paths are far beyond PATH_MAX, with symlinks at every level pointing
     * outside it (absolute, relative and to "/") and names that are not UTF-8: every byte goes,
     * nothing outside is touched, and the folder is purged only then.
     */
    @Test
    void purgeOfATreeDeeperThanPathMax_removesEveryByte_andFollowsNoSymlink() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Path outside = sharefs.backing.DeepTree.outside(dir.resolve("outside"));
        sharefs.backing.DeepTree.make(home.folderDir(f.folderId()).resolve("deep"), 300, outside);
        Files.createSymbolicLink(home.folderDir(f.folderId()).resolve("top-link"), outside);
        s.folders().delete(ANN, "tests");
        s.folders().purge(ANN, "tests");
        assertFalse(Files.exists(home.trashedFolderDir(f.folderId()), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(outside.resolve("file")), "purge followed a symlink");
        try (var l = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("file")), l.toList(), "purge followed a symlink");
        }
        assertEquals(1, state(f.folderId(), "purged"));
        assertTrue(s.folders().trash(ANN).isEmpty());
        assertTrue(auditActions().contains("folder.purge"));
        assertFalse(storageDirs().contains(f.folderId()));
        assertFalse(new FolderBytes(home).purgeMarked(f.folderId()), "the purge mark is dropped");
    }

    /**
     * What cannot be removed stops the purge: one line says what and why, the folder stays
     * trashed (its purge is not recorded), and it can be restored with what is left.
     */
    @Test
    void purgeThatCannotRemoveEverything_leavesTheFolderTrashedAndRestorable() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Path stuck = Files.createDirectories(home.folderDir(f.folderId()).resolve("a/b"));
        Files.writeString(stuck.resolve("immutable"), "x");
        s.folders().delete(ANN, "tests");
        Path trashed = home.trashedFolderDir(f.folderId()).resolve("a/b/immutable");
        Process p = new ProcessBuilder("chattr", "+i", trashed.toString()).redirectErrorStream(true).start();
        boolean done = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assumptions.assumeTrue(done && p.exitValue() == 0,
                "no immutable files here (needs root and a filesystem that has them)");
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> s.folders().purge(ANN, "tests"));
            assertOneLine(e.getMessage());
            assertEquals("cannot purge folder 'tests' (" + f.folderId() + "): cannot remove " + trashed
                    + ": Operation not permitted (errno 1); it stays in the trash", e.getMessage());
            assertEquals(1, state(f.folderId(), "trashed"));
            assertEquals(List.of("tests"), s.folders().trash(ANN).stream().map(TrashedFolder::name).toList());
            assertFalse(auditActions().contains("folder.purge"));
        } finally {
            new ProcessBuilder("chattr", "-i", trashed.toString()).start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        s.folders().restore(ANN, "tests", null);
        assertEquals("x", Files.readString(home.folderDir(f.folderId()).resolve("a/b/immutable")));
        assertEquals(List.of("tests"), names(ANN));
        assertConsistent();
    }

    /** A purge cut short (the process died mid-walk) keeps restore off the half-removed bytes until purged again. */
    @Test
    void aPurgeCutShort_keepsRestoreOff_untilItIsRunAgain() throws Exception {
        FolderAccess f = folder(ANN, "tests");
        Files.writeString(home.folderDir(f.folderId()).resolve("a.txt"), "x");
        s.folders().delete(ANN, "tests");
        new FolderBytes(home).markPurge(f.folderId());
        String m = refusedUnchanged(CONFLICT, () -> s.folders().restore(ANN, "tests", null));
        assertEquals("a purge of folder 'tests' was cut short and part of its bytes are gone: purge it again to finish"
                + " (folder purge " + f.folderId() + ")", m);
        s.folders().purge(ANN, f.folderId());
        assertEquals(1, state(f.folderId(), "purged"));
        assertFalse(Files.exists(home.trashedFolderDir(f.folderId())));
        assertFalse(new FolderBytes(home).purgeMarked(f.folderId()));
    }

    @Test
    void trashListsOwnFoldersAndForAdminsProjectFolders() {
        folder(ANN, "a");
        s.folders().delete(ANN, "a");
        s.projects().create(null, "p");
        s.folders().create(ROOT, "pf", "p", null, UsageMode.GENERAL);
        s.folders().delete(ROOT, "pf");
        assertEquals(List.of("a"), s.folders().trash(ANN).stream().map(TrashedFolder::name).toList());
        assertEquals(List.of("pf"), s.folders().trash(ROOT).stream().map(TrashedFolder::name).toList());
        assertEquals("project:p", s.folders().trash(ROOT).get(0).owner());
        assertTrue(s.folders().trash(BOB).isEmpty());
        assertNull(view(ANN).get("a"));
    }
}
