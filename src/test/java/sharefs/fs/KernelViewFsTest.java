package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.AT_FDCWD;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.EACCES;
import static sharefs.fs.Px.EEXIST;
import static sharefs.fs.Px.ENOENT;
import static sharefs.fs.Px.EPERM;
import static sharefs.fs.Px.EROFS;
import static sharefs.fs.Px.EXDEV;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;

/**
 * The view on the kernel engine ({@link KernelViewFs}), on real mounts: the view root's cells,
 * reads and writes in an owned folder, the view/edit refusals, EXDEV between folders, a kick-out
 * and a downgrade reaching a live mount through notifications, and a name that is not UTF-8
 * round-tripping. Calls are raw syscalls with exact errnos; every mount aborts its connection
 * past its deadline.
 */
class KernelViewFsTest {
    static final String OWNER = "o@x.io", VIEWER = "v@x.io", EDITOR = "e@x.io";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;
    static Mounts env;
    static KernelViewMount owner, viewer, editor;
    static CallerThread session;

    @BeforeAll
    static void mountAll() throws IOException {
        env = new Mounts(tmp);
        env.user(OWNER);
        env.user(VIEWER);
        env.user(EDITOR);
        env.folder(OWNER, "tests");
        env.folder(OWNER, "other");
        env.folder(OWNER, "gone");
        env.folder(OWNER, "ren");
        env.share(OWNER, "tests", VIEWER, Permission.VIEW);
        env.share(OWNER, "gone", VIEWER, Permission.EDIT);
        env.share(OWNER, "tests", EDITOR, Permission.EDIT);
        env.share(OWNER, "other", EDITOR, Permission.EDIT);
        env.share(OWNER, "ren", EDITOR, Permission.EDIT_DELETE);
        owner = KernelViewMount.mount(env, OWNER, env.mountPoint("owner"), DEADLINE);
        viewer = KernelViewMount.mount(env, VIEWER, env.mountPoint("viewer"), DEADLINE);
        editor = KernelViewMount.mount(env, EDITOR, env.mountPoint("editor"), DEADLINE);
        session = CallerThread.session(Mounts.UID, Mounts.GID, () -> {
            owner.abort();
            viewer.abort();
            editor.abort();
        });
    }

    @AfterAll
    static void unmountAll() {
        if (session != null) session.close();
        for (KernelViewMount m : new KernelViewMount[] {owner, viewer, editor}) {
            if (m != null) m.close();
        }
        if (env != null) env.close();
    }

    static void errno(int expected, String what, IntSupplier call) {
        assertEquals(Px.name(expected), Px.name(Px.errno(call.getAsInt())), what);
    }

    static int touch(Path p) {
        int fd = Px.open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
        return fd < 0 ? fd : Px.close(fd);
    }

    static List<String> ls(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theViewRoot_listsTheFolders_refusesNamesAndRemovals_asTheLibfuseEngine() throws IOException {
        Path root = owner.mountPoint;
        assertTrue(ls(root).containsAll(List.of("gone", "other", "tests")), ls(root).toString());
        assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals(Mounts.UID, (int) Files.getAttribute(root, "unix:uid"));
        errno(EACCES, "mkdir at the root", () -> Px.mkdir(root.resolve("new"), 0755));
        errno(EACCES, "create at the root", () -> touch(root.resolve("new")));
        errno(EEXIST, "mkdir of a folder's name", () -> Px.mkdir(root.resolve("tests"), 0755));
        errno(EPERM, "rmdir of a folder", () -> Px.rmdir(root.resolve("tests")));
        // The kernel answers unlink(2) of a directory itself, as for the libfuse engine (ViewRootTest).
        errno(Px.EISDIR, "unlink of a folder", () -> Px.unlink(root.resolve("tests")));
        errno(ENOENT, "rmdir of no folder", () -> Px.rmdir(root.resolve("nothing")));
        errno(EPERM, "chmod of the root", () -> Px.chmod(root, 0777));
        errno(EACCES, "symlink at the root", () -> Px.symlink("tests", root.resolve("ln")));
        errno(EPERM, "mv of a folder into another", () -> Px.rename(root.resolve("other"), root.resolve("tests/o")));
        Files.writeString(env.backing(OWNER, "tests").resolve("mv-src"), "x\n");
        // A file onto a directory is the kernel's EISDIR; a directory onto a folder reaches the daemon.
        Files.createDirectory(env.backing(OWNER, "tests").resolve("mv-dir"));
        errno(EXDEV, "mv of a directory onto a folder's name", () -> Px.rename(root.resolve("tests/mv-dir"), root.resolve("other")));
        errno(EACCES, "mv from a folder to a new root name", () -> Px.rename(root.resolve("tests/mv-src"), root.resolve("new")));
        assertTrue(Files.exists(env.backing(OWNER, "tests").resolve("mv-src")));
        assertTrue(Files.isDirectory(env.backing(OWNER, "tests")));
    }

    @Test
    void mvOfAFolderAtTheRoot_renamesItForItsOwnerOnly() throws Exception {
        errno(EPERM, "mv by an edit-delete invitee", () -> Px.rename(editor.mountPoint.resolve("ren"),
                editor.mountPoint.resolve("ren2")));
        errno(0, "mv by the owner", () -> Px.rename(owner.mountPoint.resolve("ren"), owner.mountPoint.resolve("ren2")));
        assertTrue(Files.isDirectory(owner.mountPoint.resolve("ren2")));
        errno(ENOENT, "the old name", () -> -Px.lstatErrno(owner.mountPoint.resolve("ren")));
        // The other mount learns it from the agent's reload, and its cached entry is invalidated.
        assertTrue(Files.isDirectory(editor.mountPoint.resolve("ren")));
        editor.reload();
        errno(ENOENT, "the old name in another mount", () -> -Px.lstatErrno(editor.mountPoint.resolve("ren")));
        assertTrue(Files.isDirectory(editor.mountPoint.resolve("ren2")));
    }

    @Test
    void anOwnedFolder_readsAndWrites_throughEveryCall() throws IOException {
        Path d = owner.mountPoint.resolve("tests").resolve("rw");
        Path back = env.backing(OWNER, "tests").resolve("rw");
        errno(0, "mkdir", () -> Px.mkdir(d, 0755));
        Files.writeString(d.resolve("f"), "hello\n");
        assertEquals("hello\n", Files.readString(back.resolve("f")));
        assertEquals("hello\n", Files.readString(d.resolve("f")));
        Files.writeString(d.resolve("f"), "more\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("hello\nmore\n", Files.readString(d.resolve("f")));
        assertEquals(Mounts.UID, (int) Files.getAttribute(d.resolve("f"), "unix:uid"));
        errno(0, "symlink", () -> Px.symlink("f", d.resolve("ln")));
        assertEquals("f", Files.readSymbolicLink(d.resolve("ln")).toString());
        errno(0, "link", () -> Px.link(d.resolve("f"), d.resolve("g")));
        assertEquals(2, (int) Files.getAttribute(d.resolve("f"), "unix:nlink"), "the first name sees the new link at once");
        assertEquals(Files.getAttribute(d.resolve("f"), "unix:ino"), Files.getAttribute(d.resolve("g"), "unix:ino"));
        errno(0, "rename", () -> Px.rename(d.resolve("g"), d.resolve("h")));
        errno(0, "truncate", () -> Px.truncate(d.resolve("h"), 2));
        assertEquals("he", Files.readString(d.resolve("f")));
        errno(0, "chmod", () -> Px.chmod(d.resolve("f"), 0600));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("f"))));
        errno(0, "setxattr", () -> Px.setxattr(d.resolve("f"), "user.k", "v"));
        assertEquals("v", Px.getxattr(d.resolve("f"), "user.k", new int[1]));
        assertTrue(Px.listxattr(d.resolve("f"), new int[1]).contains("user.k"));
        errno(0, "removexattr", () -> Px.removexattr(d.resolve("f"), "user.k"));
        errno(0, "mkfifo", () -> Px.mknod(d.resolve("fifo"), Px.S_IFIFO | 0644, 0));
        errno(EPERM, "a device node", () -> Px.mknod(d.resolve("dev"), Px.S_IFCHR | 0644, 0x0103));
        errno(0, "statfs", () -> Px.statfs(d));
        errno(0, "utimens", () -> Px.utimens(d.resolve("f"), 1000, 2000));
        assertEquals(2000L, Files.getLastModifiedTime(back.resolve("f")).toMillis() / 1000);
        assertEquals(List.of("f", "fifo", "h", "ln"), ls(d));
        errno(0, "unlink", () -> Px.unlink(d.resolve("h")));
        errno(0, "unlink", () -> Px.unlink(d.resolve("ln")));
        errno(0, "unlink", () -> Px.unlink(d.resolve("fifo")));
        errno(0, "unlink", () -> Px.unlink(d.resolve("f")));
        errno(0, "rmdir", () -> Px.rmdir(d));
        assertFalse(Files.exists(back, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aListing_givesEachEntryWithItsAttributes_readdirplus() throws IOException {
        Path back = Files.createDirectory(env.backing(OWNER, "tests").resolve("plus"));
        for (String n : List.of("a", "b", "c")) Files.writeString(back.resolve(n), n);
        Path d = owner.mountPoint.resolve("tests").resolve("plus");
        assertTrue(Files.isDirectory(d));
        String folderId = env.folderId(OWNER, "tests");
        for (String n : List.of("a", "b", "c")) assertFalse(holds(folderId, back.resolve(n)), n + " was never looked up");
        assertEquals(List.of("61", "62", "63"), NonUtf8NamesTest.rawNames(d));
        for (String n : List.of("a", "b", "c")) {
            assertTrue(holds(folderId, back.resolve(n)), "the first listing of a directory gave " + n + " with its node");
        }
        assertEquals("b", Files.readString(d.resolve("b")), "the entry the listing gave is the file");
    }

    static boolean holds(String folderId, Path backing) throws IOException {
        long dev = ((Number) Files.getAttribute(backing, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
        long ino = ((Number) Files.getAttribute(backing, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
        return owner.fs.holdsNode(folderId, dev, ino);
    }

    @Test
    void ordinaryTools_tarDiffGitFindRm_work() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/tree/a/b"));
        for (int i = 0; i < 50; i++) Files.writeString(src.resolve("f" + i), "file " + i + "\n".repeat(i));
        Files.createSymbolicLink(src.resolve("ln"), Path.of("f1"));
        Path tar = tmp.resolve("tree.tar");
        Duration t = Duration.ofSeconds(60);
        assertEquals(0, Mounts.run(List.of("tar", "-cf", tar.toString(), "-C", tmp.resolve("src").toString(), "tree"), t).exit());
        Path into = owner.mountPoint.resolve("tests").resolve("tools");
        errno(0, "mkdir", () -> Px.mkdir(into, 0755));
        // As root, tar would chown every entry to the archive's uid 0: a chown to another uid, EPERM by the table.
        Mounts.Result x = Mounts.run(List.of("tar", "--no-same-owner", "-xf", tar.toString(), "-C", into.toString()), t);
        assertEquals(0, x.exit(), x.toString());
        Mounts.Result diff = Mounts.run(List.of("diff", "-r", "--no-dereference", tmp.resolve("src/tree").toString(),
                into.resolve("tree").toString()), t);
        assertEquals(0, diff.exit(), diff.toString());
        Mounts.Result find = Mounts.run(List.of("find", into.toString(), "-type", "f"), t);
        assertEquals(50, find.out().lines().count(), find.toString());
        Path repo = into.resolve("repo");
        // git as the session's uid, who owns everything in the view (as root it would see "dubious ownership").
        Mounts.Result git = Mounts.run(List.of("setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups",
                "sh", "-c", "git init -q \"$0\" && cd \"$0\" && echo hi > f && git add f"
                + " && git -c user.email=a@b -c user.name=a commit -qm one && git log --oneline | wc -l", repo.toString()), t,
                java.util.Map.of("HOME", "/tmp"));
        assertEquals(0, git.exit(), git.toString());
        assertEquals("1", git.out().trim());
        Mounts.Result rm = Mounts.run(List.of("rm", "-rf", into.toString()), t);
        assertEquals(0, rm.exit(), rm.toString());
        assertFalse(Files.exists(env.backing(OWNER, "tests").resolve("tools"), LinkOption.NOFOLLOW_LINKS));
    }

    /** cp and mv open their sources with O_NOFOLLOW: the kernel resolved the name, so the file opens. */
    @Test
    void openWithNoFollow_opensAFile_andTheKernelRefusesASymlink() throws IOException {
        Path d = owner.mountPoint.resolve("tests").resolve("nofollow");
        errno(0, "mkdir", () -> Px.mkdir(d, 0755));
        Files.writeString(d.resolve("f"), "data");
        errno(0, "symlink", () -> Px.symlink("f", d.resolve("ln")));
        int fd = Px.open(d.resolve("f"), O_RDONLY | sharefs.backing.Flags.O_NOFOLLOW, 0);
        assertTrue(fd >= 0, "open(O_NOFOLLOW) of a file: " + Px.name(Px.errno(fd)));
        assertEquals("data", Px.pread(fd, 16, 0, new int[1]));
        Px.close(fd);
        errno(Px.ELOOP, "open(O_NOFOLLOW) of a symlink",
                () -> Px.open(d.resolve("ln"), O_RDONLY | sharefs.backing.Flags.O_NOFOLLOW, 0));
        Mounts.Result cp = Mounts.run(List.of("cp", "-r", d.toString(), owner.mountPoint.resolve("tests").resolve("copy").toString()),
                Duration.ofSeconds(30));
        assertEquals(0, cp.exit(), cp.toString());
        assertEquals("data", Files.readString(env.backing(OWNER, "tests").resolve("copy").resolve("f")));
    }

    /** The kernel applied the caller's umask already: the daemon's must not apply again (umask 002 gives 664/775). */
    @Test
    void newEntriesGetTheModeTheCallerAskedFor() throws IOException {
        Path dir = owner.mountPoint.resolve("tests");
        Mounts.Result r = Mounts.run(List.of("setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", "sh", "-c",
                "umask 002 && touch \"$0/um-f\" && mkdir \"$0/um-d\" && mkfifo \"$0/um-p\"", dir.toString()), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r.toString());
        Path back = env.backing(OWNER, "tests");
        for (String[] e : new String[][] {{"um-f", "rw-rw-r--"}, {"um-d", "rwxrwxr-x"}, {"um-p", "rw-rw-r--"}}) {
            assertEquals(e[1], PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve(e[0]), LinkOption.NOFOLLOW_LINKS)), e[0]);
        }
    }

    /**
     * "..", which the kernel asks (EXPORT_SUPPORT) to reconnect a directory found by file handle:
     * the parent directory inside a folder, the view root above a folder's root, ENOTDIR of a
     * file. The kernel asks it only for a disconnected directory it still holds (an NFS export),
     * which no test can make on demand, so the handler is called as the kernel would call it.
     */
    @Test
    void dotDot_isTheParent_andAboveAFoldersRootTheViewRoot() throws IOException {
        Path up = Files.createDirectories(owner.mountPoint.resolve("tests").resolve("up").resolve("down"));
        Files.writeString(up.resolve("f"), "x");
        sharefs.fuse.kernel.Request r = sharefs.fuse.kernel.Request.of(1, (int) Mounts.UID, (int) Mounts.GID, 1);
        sharefs.fuse.kernel.EntryOut tests = new sharefs.fuse.kernel.EntryOut();
        sharefs.fuse.kernel.EntryOut upE = new sharefs.fuse.kernel.EntryOut();
        sharefs.fuse.kernel.EntryOut down = new sharefs.fuse.kernel.EntryOut();
        sharefs.fuse.kernel.EntryOut f = new sharefs.fuse.kernel.EntryOut();
        assertEquals(0, owner.fs.lookup(r, NodeTable.ROOT, "tests".getBytes(), tests));
        assertEquals(0, owner.fs.lookup(r, tests.nodeId, "up".getBytes(), upE));
        assertEquals(0, owner.fs.lookup(r, upE.nodeId, "down".getBytes(), down));
        assertEquals(0, owner.fs.lookup(r, down.nodeId, "f".getBytes(), f));

        sharefs.fuse.kernel.EntryOut p = new sharefs.fuse.kernel.EntryOut();
        assertEquals(0, owner.fs.lookup(r, down.nodeId, "..".getBytes(), p));
        assertEquals(upE.nodeId, p.nodeId, "the parent's node");
        assertEquals(upE.attr.ino, p.attr.ino);
        assertEquals(0, owner.fs.lookup(r, upE.nodeId, "..".getBytes(), p));
        assertEquals(tests.nodeId, p.nodeId, "the folder's root");
        assertEquals(0, owner.fs.lookup(r, tests.nodeId, "..".getBytes(), p));
        assertEquals(NodeTable.ROOT, p.nodeId, "above a folder's root: the view root, never the storage directory");
        assertEquals(-20 /* ENOTDIR */, owner.fs.lookup(r, f.nodeId, "..".getBytes(), p));
        sharefs.fuse.kernel.Request stranger = sharefs.fuse.kernel.Request.of(2, 4242, 4242, 2);
        assertEquals(-EACCES, owner.fs.lookup(stranger, down.nodeId, "..".getBytes(), p));
        // Give back what these lookups counted, as the kernel would with FORGET.
        for (long id : new long[] {f.nodeId, down.nodeId, upE.nodeId, upE.nodeId, tests.nodeId, tests.nodeId}) owner.fs.forget(id, 1);
    }

    @Test
    void anUnlinkedFileStillOpen_answersFstat() throws IOException {
        Path f = owner.mountPoint.resolve("tests").resolve("unlinked");
        int fd = Px.open(f, O_CREAT | O_EXCL | O_RDWR, 0644);
        assertTrue(fd >= 0, Px.name(-fd));
        try {
            assertEquals(5, Px.pwrite(fd, "12345", 0));
            errno(0, "unlink", () -> Px.unlink(f));
            int[] err = new int[1];
            long[] st = Px.fstat(fd, err);
            assertEquals(0, err[0], Px.name(err[0]));
            assertEquals(5L, st[3], "size through the unlinked file's descriptor");
        } finally {
            Px.close(fd);
        }
    }

    @Test
    void aViewFolder_readsButRefusesEveryChangeWithErofs_andShowsNoWriteBits() throws IOException {
        Path back = env.backing(OWNER, "tests").resolve("ro");
        Files.createDirectory(back);
        Files.writeString(back.resolve("f"), "read me\n");
        Files.setPosixFilePermissions(back.resolve("f"), PosixFilePermissions.fromString("rw-r--r--"));
        Path d = viewer.mountPoint.resolve("tests").resolve("ro");
        assertEquals("read me\n", Files.readString(d.resolve("f")));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("f"))));
        errno(EROFS, "create", () -> touch(d.resolve("new")));
        errno(EROFS, "open for writing", () -> Px.open(d.resolve("f"), O_WRONLY, 0));
        errno(EROFS, "mkdir", () -> Px.mkdir(d.resolve("sub"), 0755));
        errno(EROFS, "unlink", () -> Px.unlink(d.resolve("f")));
        errno(EROFS, "rename", () -> Px.rename(d.resolve("f"), d.resolve("g")));
        errno(EROFS, "chmod", () -> Px.chmod(d.resolve("f"), 0644));
        errno(EROFS, "truncate", () -> Px.truncate(d.resolve("f"), 0));
        errno(EROFS, "setxattr", () -> Px.setxattr(d.resolve("f"), "user.k", "v"));
        errno(EROFS, "symlink", () -> Px.symlink("f", d.resolve("ln")));
        errno(EROFS, "access(W_OK)", () -> Px.access(d.resolve("f"), Px.W_OK));
        errno(0, "access(R_OK)", () -> Px.access(d.resolve("f"), Px.R_OK));
        assertEquals(List.of("f"), ls(d));
        assertEquals("read me\n", Files.readString(back.resolve("f")));
    }

    @Test
    void anEditFolder_writesButRefusesRemovalsWithEacces() throws IOException {
        Path back = env.backing(OWNER, "tests").resolve("ed");
        Files.createDirectories(back.resolve("sub"));
        Files.writeString(back.resolve("f"), "keep\n");
        Files.writeString(back.resolve("g"), "gee\n");
        Path d = editor.mountPoint.resolve("tests").resolve("ed");
        errno(0, "create", () -> touch(d.resolve("new")));
        Files.writeString(d.resolve("f"), "changed\n");
        errno(EACCES, "rm", () -> Px.unlink(d.resolve("f")));
        errno(EACCES, "rmdir", () -> Px.rmdir(d.resolve("sub")));
        errno(EACCES, "rename onto an existing name", () -> Px.rename(d.resolve("g"), d.resolve("f")));
        errno(0, "rename to a new name", () -> Px.rename(d.resolve("g"), d.resolve("g2")));
        assertEquals("changed\n", Files.readString(back.resolve("f")));
        assertEquals("gee\n", Files.readString(back.resolve("g2")));
        assertTrue(Files.isDirectory(back.resolve("sub")));
    }

    @Test
    void renameAndLinkBetweenFolders_areExdev() throws IOException {
        Files.writeString(env.backing(OWNER, "tests").resolve("x"), "x\n");
        Path m = editor.mountPoint;
        errno(EXDEV, "rename between folders", () -> Px.rename(m.resolve("tests/x"), m.resolve("other/x")));
        errno(EXDEV, "link between folders", () -> Px.link(m.resolve("tests/x"), m.resolve("other/x")));
        assertFalse(Files.exists(env.backing(OWNER, "other").resolve("x")));
    }

    @Test
    void aKickOut_makesTheFolderVanishAtOnce_andADowngradeRefusesTheNextWrite_andTheNameMayComeBack() throws Exception {
        Path gone = viewer.mountPoint.resolve("gone");
        Files.writeString(gone.resolve("w"), "one\n");
        int fd = Px.open(gone.resolve("w"), O_WRONLY, 0);
        assertTrue(fd >= 0, Px.name(-fd));
        try {
            assertTrue(Files.isDirectory(gone), "cached now, for the root entries' long timeout");
            env.sharing.shares().set(OWNER, "gone", VIEWER, Permission.VIEW);
            viewer.reload();
            errno(EROFS, "a write on a descriptor opened before the downgrade", () -> Px.pwrite(fd, "two\n", 0));
            assertFalse(PosixFilePermissions.toString(Files.getPosixFilePermissions(gone.resolve("w"))).contains("w"),
                    "the cached attributes were invalidated");
            env.sharing.shares().revoke(OWNER, "gone", VIEWER);
            viewer.reload();
            assertFalse(ls(viewer.mountPoint).contains("gone"), ls(viewer.mountPoint).toString());
            errno(ENOENT, "stat of the kicked-out folder", () -> -Px.lstatErrno(gone));
            errno(EACCES, "a write on a descriptor of the kicked-out folder", () -> Px.pwrite(fd, "two\n", 0));
            // The name now stands for another folder: the kernel's cached entry (root entries are
            // kept for an hour) was dropped, or the old folder's node would answer ENOENT here.
            env.folder(VIEWER, "gone");
            Files.writeString(env.backing(VIEWER, "gone").resolve("new"), "mine\n");
            viewer.reload();
            assertEquals(List.of("new"), ls(gone));
        } finally {
            Px.close(fd);
        }
    }

    @Test
    void aNameThatIsNotUtf8_roundTripsExactly() throws IOException {
        byte[] name = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe};
        Path dir = owner.mountPoint.resolve("tests");
        byte[] path = NonUtf8NamesTest.at(dir, name);
        int fd = Px.S.openat(AT_FDCWD, path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        assertTrue(fd >= 0, "create through the mount: " + Px.name(FdSys.errno()));
        Px.close(fd);
        String hex = NonUtf8NamesTest.hex(name);
        assertTrue(NonUtf8NamesTest.rawNames(env.backing(OWNER, "tests")).contains(hex), "the backing name has the same bytes");
        assertTrue(NonUtf8NamesTest.rawNames(dir).contains(hex), "listed through the mount with the same bytes");
        int rfd = Px.S.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
        assertTrue(rfd >= 0, "open by those bytes: " + Px.name(FdSys.errno()));
        Px.close(rfd);
        assertEquals(0, Px.S.unlinkat(AT_FDCWD, path, 0), "unlink by those bytes");
        assertFalse(NonUtf8NamesTest.rawNames(env.backing(OWNER, "tests")).contains(hex));
    }

    @Test
    void theSessionsUid_passesTheOwnerBits_andAnotherUidIsRefused() throws Exception {
        Path f = owner.mountPoint.resolve("tests").resolve("byuid");
        assertEquals(0, session.call(() -> touch(f)));
        assertEquals(0, session.call(() -> Px.access(f, Px.R_OK | Px.W_OK)));
        Path back = env.backing(OWNER, "tests").resolve("byuid");
        assertTrue(Files.exists(back));
        try (CallerThread stranger = CallerThread.session(1001, 1001, owner::abort)) {
            assertEquals(-EACCES, stranger.call(() -> -Px.lstatErrno(f) == 0 ? 0 : -Px.lstatErrno(f)));
        }
        errno(EROFS, "the view folder as the session's uid too",
                () -> session.call(() -> touch(viewer.mountPoint.resolve("tests").resolve("byuid2"))));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
