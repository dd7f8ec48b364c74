package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.EACCES;
import static sharefs.fs.Px.EPERM;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;

/**
 * The virtual root of the view: it lists exactly the folders, nothing can be created or removed
 * there, and `mv old new` renames a folder for its owner only.
 */
class ViewRootTest {
    static final String OWNER = "o@x.io", VIEWER = "v@x.io", WD = "d@x.io";

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path owner, viewer, wd;
    static String testsId;

    @BeforeAll
    static void mountAll() throws IOException {
        env = new Mounts(tmp);
        for (String u : List.of(OWNER, VIEWER, WD)) env.user(u);
        testsId = env.folder(OWNER, "tests").folderId();
        env.folder(OWNER, "mine");
        env.folder(VIEWER, "vown");
        env.share(OWNER, "tests", VIEWER, Permission.VIEW);
        env.share(OWNER, "tests", WD, Permission.EDIT_DELETE);
        Files.writeString(env.home.folderDir(testsId).resolve("f"), "x");
        owner = env.mountPoint("owner");
        viewer = env.mountPoint("viewer");
        wd = env.mountPoint("wd");
        env.mount(OWNER, owner);
        env.mount(VIEWER, viewer);
        env.mount(WD, wd);
    }

    @AfterAll
    static void unmountAll() {
        if (env != null) env.close();
    }

    private static List<String> names(String email) {
        return env.sharing.folders().view(email).stream().map(FolderAccess::name).sorted().toList();
    }

    @Test
    void lsListsExactlyTheFolders() {
        // Exactly the user's folders: compared with the database (another test may add one meanwhile).
        Mounts.eventuallyEquals("ls of the owner's view", names(OWNER), () -> Px.list(owner));
        Mounts.eventuallyEquals("ls of the viewer's view", names(VIEWER), () -> Px.list(viewer));
        Mounts.eventuallyEquals("ls of the edit-delete invitee's view", names(WD), () -> Px.list(wd));
        assertTrue(Px.list(owner).containsAll(List.of("mine", "tests")));
        assertTrue(Px.list(viewer).containsAll(List.of("tests", "vown")));
        assertFalse(Px.list(viewer).contains("mine"), "a folder not shared with the viewer is listed");
        assertFalse(Px.list(wd).contains("vown"));
        assertTrue(Px.list(wd.resolve("tests")).contains("f"));
        // A name that is no folder does not exist at the root.
        assertEquals(Px.ENOENT, Px.lstatErrno(owner.resolve("nope")));
    }

    @Test
    void creatingAnythingAtTheRoot_EACCES() throws IOException {
        Map<String, String> storage = Snap.of(env.home.storage());
        for (Path root : List.of(owner, viewer, wd)) {
            int fd = Px.open(root.resolve("newfile"), O_CREAT | O_EXCL | O_WRONLY, 0644);
            if (fd >= 0) Px.close(fd);
            assertEquals(Px.name(EACCES), Px.name(Px.errno(fd)), "create at the root of " + root);
            assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.mkdir(root.resolve("newdir"), 0755))), "mkdir at " + root);
            assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.mknod(root.resolve("fifo"), Px.S_IFIFO | 0644, 0))), "mknod at " + root);
            assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.symlink("tests", root.resolve("sl")))), "symlink at " + root);
            assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.link(root.resolve("tests/f"), root.resolve("lf")))), "link at " + root);
            // mkdir of an existing folder's name is the ordinary EEXIST.
            assertEquals(Px.name(Px.EEXIST), Px.name(Px.errno(Px.mkdir(root.resolve("tests"), 0755))), "mkdir tests at " + root);
        }
        assertEquals(storage, Snap.of(env.home.storage()), "refused creations at the root changed storage");
        for (String n : List.of("newfile", "newdir", "fifo", "sl", "lf")) assertFalse(Px.list(owner).contains(n), n);
    }

    @Test
    void movingAFileUpToTheRoot_EACCES() throws IOException {
        Map<String, String> storage = Snap.of(env.home.storage());
        assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.rename(wd.resolve("tests/f"), wd.resolve("f")))));
        assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.rename(owner.resolve("tests/f"), owner.resolve("f")))));
        assertEquals(storage, Snap.of(env.home.storage()));
    }

    @Test
    void rmdirOfAFolder_EPERM_folderStays() throws IOException {
        Map<String, String> storage = Snap.of(env.home.storage());
        for (Path root : List.of(owner, viewer, wd)) {
            assertEquals(Px.name(EPERM), Px.name(Px.errno(Px.rmdir(root.resolve("tests")))), "rmdir tests at " + root);
        }
        // An empty folder as well: rmdir must not remove it even though it would succeed natively.
        assertEquals(Px.name(EPERM), Px.name(Px.errno(Px.rmdir(owner.resolve("mine")))));
        assertEquals(storage, Snap.of(env.home.storage()));
        assertTrue(names(OWNER).containsAll(List.of("mine", "tests")));
        assertTrue(Px.list(owner).containsAll(List.of("mine", "tests")));
    }

    /**
     * unlink(2) of a directory is answered by the kernel itself (EISDIR) before the daemon is
     * asked; either way the folder stays.
     */
    @Test
    void unlinkOfAFolder_refused_folderStays() throws IOException {
        Map<String, String> storage = Snap.of(env.home.storage());
        for (Path root : List.of(owner, viewer, wd)) {
            assertEquals(Px.name(Px.EISDIR), Px.name(Px.errno(Px.unlink(root.resolve("tests")))), "unlink tests at " + root);
        }
        assertEquals(storage, Snap.of(env.home.storage()));
        assertTrue(names(OWNER).containsAll(List.of("mine", "tests")));
        assertTrue(Px.list(viewer).contains("tests"));
    }

    /** A name a session chose goes into the agent's log escaped: a newline in it cannot forge a line. */
    @Test
    void aNewlineInAFolderNameNeverForgesALogLine() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int rc;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            rc = Px.rename(owner.resolve("mine"), owner.resolve("x\n2026-01-01 [main] INFO forged by a session"));
        } finally {
            System.setErr(err);
        }
        assertEquals(Px.name(Px.EINVAL), Px.name(Px.errno(rc)), "an invalid folder name is refused");
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(log.contains("x\\x0a2026-01-01"), "the refusal is logged with the newline escaped: " + log);
        assertTrue(log.lines().noneMatch(l -> l.startsWith("2026-01-01 [main] INFO forged")), "a forged line: " + log);
        assertTrue(Files.isDirectory(owner.resolve("mine")));
    }

    @Test
    void mvAtTheRoot_renamesTheFolderForItsOwner_EPERMforOthers() throws IOException {
        env.folder(OWNER, "ren");
        env.share(OWNER, "ren", VIEWER, Permission.VIEW);
        env.share(OWNER, "ren", WD, Permission.EDIT_DELETE);
        Files.writeString(env.backing(OWNER, "ren").resolve("inside"), "data");
        Mounts.eventually("ren appears in every mount", () -> Px.lstatErrno(owner.resolve("ren")) == 0
                && Px.lstatErrno(viewer.resolve("ren")) == 0 && Px.lstatErrno(wd.resolve("ren")) == 0);

        assertEquals(Px.name(EPERM), Px.name(Px.errno(Px.rename(viewer.resolve("ren"), viewer.resolve("t2")))), "view invitee");
        assertEquals(Px.name(EPERM), Px.name(Px.errno(Px.rename(wd.resolve("ren"), wd.resolve("t2")))), "edit-delete invitee");
        assertTrue(names(OWNER).contains("ren"));
        assertFalse(names(OWNER).contains("t2"));

        assertEquals("ok", Px.name(Px.errno(Px.rename(owner.resolve("ren"), owner.resolve("t2")))), "owner");
        assertTrue(names(OWNER).contains("t2"), "sharing.folders().view shows t2: " + names(OWNER));
        assertFalse(names(OWNER).contains("ren"));
        assertEquals("data", Files.readString(owner.resolve("t2/inside")));
        assertEquals(Px.ENOENT, Px.lstatErrno(owner.resolve("ren")));
        // The same rules as `folder rename`: every viewer sees the new name.
        assertTrue(names(VIEWER).contains("t2"));
        Mounts.eventually("the viewer's mount shows t2", () -> Px.lstatErrno(viewer.resolve("t2")) == 0
                && Px.lstatErrno(viewer.resolve("ren")) == Px.ENOENT);
    }

    @Test
    void mvAtTheRootOntoAnotherFoldersName_refused() throws IOException {
        Map<String, String> storage = Snap.of(env.home.storage());
        // The folder-rename name-clash rule: EEXIST, and neither folder changes.
        assertEquals(Px.name(Px.EEXIST), Px.name(Px.errno(Px.rename(owner.resolve("mine"), owner.resolve("tests")))));
        assertEquals(List.of("mine", "tests"), names(OWNER).stream().filter(n -> n.equals("mine") || n.equals("tests")).toList());
        assertEquals(storage, Snap.of(env.home.storage()));
    }

    // --- mode bits and ownership (what ls -l shows) ---------------------------------------------

    @Test
    void viewFolderAndEverythingInItShowNoWriteBits() throws IOException {
        Path back = env.home.folderDir(testsId);
        Files.createDirectories(back.resolve("modes/dir"));
        Files.writeString(back.resolve("modes/rw"), "x");
        Files.setPosixFilePermissions(back.resolve("modes/rw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(back.resolve("modes/dir"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        for (String rel : List.of("", "f", "modes", "modes/rw", "modes/dir")) {
            long mode = Px.lstat(viewer.resolve("tests").resolve(rel))[0];
            assertEquals(0, mode & 0222, "view: " + rel + " shows write bits " + Long.toOctalString(mode));
            long wmode = Px.lstat(wd.resolve("tests").resolve(rel))[0];
            assertTrue((wmode & 0200) != 0, "edit-delete: " + rel + " lost its owner write bit " + Long.toOctalString(wmode));
        }
        assertEquals(0666, Px.lstat(wd.resolve("tests/modes/rw"))[0] & 07777);
        assertEquals(0444, Px.lstat(viewer.resolve("tests/modes/rw"))[0] & 07777);
        assertEquals(0555, Px.lstat(viewer.resolve("tests/modes/dir"))[0] & 07777);
        // The view root itself offers nothing to write.
        assertEquals(0555, Px.lstat(owner)[0] & 07777);
    }

    @Test
    void setuidAndSetgidAreNeverShown() throws IOException {
        Path back = env.home.folderDir(testsId);
        Files.createDirectories(back.resolve("ids/sgid-dir"));
        Files.writeString(back.resolve("ids/suid"), "x");
        Px.chmod(back.resolve("ids/suid"), 06755);
        Px.chmod(back.resolve("ids/sgid-dir"), 02775);
        assertEquals(06755, (Integer) Files.getAttribute(back.resolve("ids/suid"), "unix:mode") & 07777, "fixture");
        for (Path root : List.of(owner, viewer, wd)) {
            for (String rel : List.of("ids/suid", "ids/sgid-dir")) {
                long mode = Px.lstat(root.resolve("tests").resolve(rel))[0];
                assertEquals(0, mode & 06000, root + " " + rel + " shows " + Long.toOctalString(mode));
            }
        }
        assertEquals(0755, Px.lstat(owner.resolve("tests/ids/suid"))[0] & 07777);
        assertEquals(0555, Px.lstat(viewer.resolve("tests/ids/suid"))[0] & 07777);
    }

    @Test
    void everyEntryIsOwnedByTheMountsUidAndGid() throws IOException {
        Path back = env.home.folderDir(testsId);
        Files.createDirectories(back.resolve("own/d"));
        Files.writeString(back.resolve("own/f"), "x");
        Files.createSymbolicLink(back.resolve("own/l"), Path.of("f"));
        Files.setOwner(back.resolve("own/f"), back.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("0"));
        Px.chown(back.resolve("own/d"), 4321, 4321);
        Px.chown(back.resolve("own/l"), 4321, 4321);
        for (Path root : List.of(owner, viewer, wd)) {
            for (Path p : List.of(root, root.resolve("tests"), root.resolve("tests/f"), root.resolve("tests/own"),
                    root.resolve("tests/own/d"), root.resolve("tests/own/f"), root.resolve("tests/own/l"))) {
                long[] st = Px.lstat(p);
                assertEquals(Mounts.UID, st[1], "uid of " + p);
                assertEquals(Mounts.GID, st[2], "gid of " + p);
            }
        }
        assertEquals(Px.S_IFLNK, Px.lstat(owner.resolve("tests/own/l"))[0] & Px.S_IFMT);
        assertTrue(Files.isSymbolicLink(back.resolve("own/l")));
        assertEquals(4321, (Integer) Files.getAttribute(back.resolve("own/d"), "unix:uid", LinkOption.NOFOLLOW_LINKS), "fixture");
    }
}
