package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.*;
import static sharefs.backing.Flags.*;
import static sharefs.backing.TestSupport.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Symlinks inside the root must never lead an operation outside it. */
class EscapeTest {
    private static final String SECRET = "outside secret";

    @TempDir Path dir;
    @TempDir Path outside;
    FolderRoot root;
    Map<String, String> before;
    final Pointer st = mem(StatBuf.SIZE);

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(outside.resolve("passwd"), SECRET);
        java.nio.file.attribute.UserDefinedFileAttributeView xv = Files.getFileAttributeView(
                outside.resolve("passwd"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
        xv.write("k", java.nio.ByteBuffer.wrap(SECRET.getBytes()));
        Files.createDirectory(outside.resolve("sub"));
        Files.writeString(outside.resolve("sub/x"), SECRET);
        Files.writeString(dir.resolve("a"), "inside");
        Files.createDirectory(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("link"), outside);
        Files.createSymbolicLink(dir.resolve("linkfile"), outside.resolve("passwd"));
        Files.createSymbolicLink(dir.resolve("real/up"), Path.of(".."));
        Files.createSymbolicLink(dir.resolve("slash"), Path.of("/"));
        before = OutsideSnapshot.take(outside);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (root != null) root.close();
        OutsideSnapshot.assertUnchanged(before, outside);
        removeSymlinks(dir);
    }

    private FolderRoot open(boolean fallbacks) throws IOException {
        root = FolderRoot.open(dir, fallbacks);
        assertEquals(!fallbacks, root.usesOpenat2());
        assertEquals(!fallbacks, root.usesAtSyscalls());
        return root;
    }

    /**
     * A symlink among the directories of a path: openat2(RESOLVE_NO_SYMLINKS) refuses it with
     * ELOOP; the walk opens each directory with O_DIRECTORY|O_NOFOLLOW, which refuses it with
     * ENOTDIR. Each mode has exactly one answer.
     */
    private void assertRefused(int rc, String what) {
        int want = root.usesOpenat2() ? -ELOOP : -ENOTDIR;
        assertEquals(want, rc, what + " through a symlinked directory, resolved by " + root);
    }

    /** A symlink opened as the directory itself (the last component, O_DIRECTORY|O_NOFOLLOW): ENOTDIR in both modes. */
    private void assertNotADirectory(int rc, String what) {
        assertEquals(-ENOTDIR, rc, what + ": a symlink opened as a directory, resolved by " + root);
    }

    @BothModes
    void statThroughSymlinkRefused(boolean walk) throws IOException {
        open(walk);
        assertRefused(root.stat("link/passwd", st), "stat link/passwd");
        assertRefused(root.stat("link/sub/x", st), "stat link/sub/x");
        assertRefused(root.stat("slash/etc/passwd", st), "stat slash/etc/passwd");
        assertRefused(root.stat("real/up/a", st), "stat real/up/a");
        assertRefused(root.mode("link/passwd"), "mode");
    }

    @BothModes
    void symlinkItselfIsVisibleButNotFollowed(boolean walk) throws IOException {
        open(walk);
        assertEquals(0, root.stat("link", st));
        assertEquals(S_IFLNK, type(StatBuf.mode(st)));
        assertEquals(S_IFLNK, type(root.mode("linkfile")));
        Pointer buf = mem(4096);
        int n = root.readlink("link", buf, 4096);
        assertEquals(outside.toString(), string(buf, n));
    }

    @BothModes
    void openRefused(boolean walk) throws IOException {
        open(walk);
        assertRefused(root.open("link/x", O_CREAT | O_WRONLY, 0644), "create link/x");
        assertRefused(root.open("link/passwd", O_RDONLY, 0), "open link/passwd");
        assertRefused(root.open("link/sub/x", O_RDWR | O_TRUNC, 0), "open link/sub/x");
        assertEquals(-ELOOP, root.open("link", O_RDONLY, 0));
        assertEquals(-ELOOP, root.open("linkfile", O_RDONLY, 0));
        assertEquals(-ELOOP, root.open("linkfile", O_CREAT | O_WRONLY | O_TRUNC, 0644));
        assertNotADirectory(root.open("link", O_RDONLY | O_DIRECTORY, 0), "open link as dir");
        assertFalse(Files.exists(outside.resolve("x")));
    }

    @BothModes
    void namespaceChangesRefused(boolean walk) throws IOException {
        open(walk);
        assertRefused(root.mkdir("link/d", 0755), "mkdir");
        assertRefused(root.mknod("link/fifo", S_IFIFO | 0644, 0), "mknod");
        assertRefused(root.symlink("/etc", "link/evil"), "symlink");
        assertRefused(root.unlink("link/passwd"), "unlink");
        assertRefused(root.unlink("link/sub/x"), "unlink deep");
        assertRefused(root.rmdir("link/sub"), "rmdir");
        assertRefused(root.rename("a", "link/a", 0), "rename in");
        assertRefused(root.rename("link/passwd", "stolen", 0), "rename out");
        assertRefused(root.link("link/passwd", "hard"), "link out");
        assertRefused(root.link("a", "link/hard"), "link in");
        assertTrue(Files.exists(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("stolen")));
    }

    @BothModes
    void listRefused(boolean walk) throws IOException {
        open(walk);
        assertNotADirectory(list(root, "link", (n, t) -> true), "list link");
        assertRefused(list(root, "link/sub", (n, t) -> true), "list link/sub");
        assertNotADirectory(list(root, "slash", (n, t) -> true), "list slash");
        assertNotADirectory(list(root, "real/up", (n, t) -> true), "list real/up");
    }

    @BothModes
    void metadataChangesStayOnTheLink(boolean walk) throws IOException {
        open(walk);
        assertEquals(-EOPNOTSUPP, root.chmod("link", 0777));
        assertEquals(-EOPNOTSUPP, root.chmod("linkfile", 0777));
        assertRefused(root.chmod("link/passwd", 0777), "chmod through");
        assertEquals(-ELOOP, root.truncate("linkfile", 0));
        assertRefused(root.truncate("link/passwd", 0), "truncate through");
        // utimensat(AT_SYMLINK_NOFOLLOW) legitimately updates the link itself, not its target.
        assertEquals(0, root.utimens("linkfile", new long[] {1, 0, 1, 0}));
        assertRefused(root.utimens("link/passwd", null), "utimens through");
        assertEquals(0, root.stat("linkfile", st));
        assertEquals(1, StatBuf.mtimeSec(st));
    }

    @BothModes
    void xattrsStayOnTheLink(boolean walk) throws IOException {
        open(walk);
        Pointer buf = mem(64);
        // The target carries user.k; reading through the link must not see it.
        assertEquals(-ENODATA, root.getxattr("linkfile", "user.k", buf, 64));
        int n = root.listxattr("linkfile", buf, 64);
        assertTrue(n <= 0 || !string(buf, n).contains("user.k"), "listxattr saw the target");
        // user.* xattrs are not permitted on symlinks (the kernel's EPERM, in both modes); the target
        // must not receive one either.
        assertEquals(-EPERM, root.setxattr("linkfile", "user.k", bytes("evil"), 4, 0), "setxattr on the link");
        assertEquals(-ENODATA, root.getxattr("linkfile", "user.k", buf, 64));
        assertEquals(-EPERM, root.removexattr("linkfile", "user.k"), "removexattr on the link");
        assertRefused(root.setxattr("link/passwd", "user.k", bytes("evil"), 4, 0), "setxattr through");
        assertRefused(root.getxattr("link/passwd", "user.k", buf, 64), "getxattr through");
        assertRefused(root.listxattr("link/passwd", buf, 64), "listxattr through");
        assertRefused(root.removexattr("link/passwd", "user.k"), "removexattr through");
    }

    @BothModes
    void worksNormallyNextToSymlinks(boolean walk) throws IOException {
        open(walk);
        assertEquals(0, root.mkdir("real/d", 0755));
        int fd = root.open("real/d/f", O_CREAT | O_RDWR, 0644);
        assertTrue(fd >= 0);
        FileOps.close(fd);
        assertEquals(0, root.rename("real/d/f", "real/g", 0));
        assertTrue(Files.exists(dir.resolve("real/g")));
        assertEquals(java.util.List.of("d", "g", "up"), names(root, "real"));
    }
}
