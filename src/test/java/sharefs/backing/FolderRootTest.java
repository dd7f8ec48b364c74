package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.*;
import static sharefs.backing.Flags.*;
import static sharefs.backing.TestSupport.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Statvfs;

class FolderRootTest {
    @TempDir Path dir;
    FolderRoot root;
    final Pointer st = mem(StatBuf.SIZE);

    @BeforeEach
    void open() throws IOException {
        Files.writeString(dir.resolve("file"), "hello");
        Files.createDirectories(dir.resolve("sub/deep"));
        Files.writeString(dir.resolve("sub/deep/leaf"), "leaf!");
        root = FolderRoot.open(dir);
    }

    @AfterEach
    void close() {
        root.close();
    }

    /** Reopens the root with or without the older kernels' fallbacks (see {@link BothModes}). */
    private void reopen(boolean fallbacks) throws IOException {
        root.close();
        root = FolderRoot.open(dir, fallbacks);
        assertEquals(!fallbacks, root.usesAtSyscalls());
    }

    @Test
    void usesOpenat2OnThisKernel() {
        assertTrue(root.usesOpenat2(), "kernel 5.6+ expected here");
        assertTrue(root.usesAtSyscalls(), "kernel 6.13+ expected here (fchmodat2, getxattrat)");
        assertEquals(dir.toAbsolutePath(), root.path());
    }

    @Test
    void openRefusesMissingFileAndSymlinkRoots() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> FolderRoot.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        assertThrows(IOException.class, () -> FolderRoot.open(dir.resolve("file")));
        Files.createSymbolicLink(dir.resolve("rootlink"), dir.resolve("sub"));
        IOException link = assertThrows(IOException.class, () -> FolderRoot.open(dir.resolve("rootlink")));
        assertTrue(link.getMessage().contains("symlink"), link.getMessage());
    }

    @Test
    void statReportsTypeAndSize() {
        assertEquals(0, root.stat("file", st));
        assertEquals(S_IFREG, type(StatBuf.mode(st)));
        assertEquals(5, StatBuf.size(st));
        assertEquals(0, root.stat("", st));
        assertEquals(S_IFDIR, type(StatBuf.mode(st)));
        assertEquals(0, root.stat("sub/deep/leaf", st));
        assertEquals(5, StatBuf.size(st));
        assertEquals(-ENOENT, root.stat("missing", st));
        assertEquals(-ENOENT, root.stat("sub/missing/x", st));
        assertEquals(-ENOTDIR, root.stat("file/x", st));
        assertEquals(S_IFREG, type(root.mode("file")));
        assertEquals(S_IFDIR, type(root.mode("sub/deep")));
        assertEquals(-ENOENT, root.mode("nope"));
    }

    @Test
    void statFillsJnrFuseFileStat() {
        FileStat fs = new FileStat(jnr.ffi.Runtime.getRuntime(Native.libc()));
        assertEquals(0, root.stat("file", Struct.getMemory(fs)));
        assertEquals(5, fs.st_size.longValue());
        assertEquals(S_IFREG, fs.st_mode.intValue() & S_IFMT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/file", "file/", "a//b", ".", "..", "sub/../file", "./file", "fi\0le"})
    void uncleanPathsAreInvalid(String rel) {
        assertEquals(-EINVAL, root.stat(rel, st));
        assertEquals(-EINVAL, root.open(rel, O_RDONLY, 0));
        assertEquals(-EINVAL, root.mkdir(rel, 0755));
        assertEquals(-EINVAL, root.unlink(rel));
        assertEquals(-EINVAL, root.rename(rel, "x", 0));
        assertEquals(-EINVAL, root.rename("file", rel, 0));
    }

    @Test
    void openCreateWriteRead() {
        int fd = root.open("sub/new", O_CREAT | O_EXCL | O_RDWR, 0640);
        assertTrue(fd >= 0, "fd " + fd);
        assertEquals(3, FileOps.pwrite(fd, bytes("abc"), 3, 0));
        assertEquals("abc", readAll(fd));
        assertEquals(0, FileOps.close(fd));
        assertEquals(-EEXIST, root.open("sub/new", O_CREAT | O_EXCL | O_RDWR, 0640));
        assertEquals(-ENOENT, root.open("missing", O_RDONLY, 0));
        assertEquals(-ENOENT, root.open("nodir/x", O_CREAT | O_WRONLY, 0644));
        assertEquals(-EISDIR, root.open("sub", O_WRONLY, 0));
        assertEquals(-ENOTDIR, root.open("file", O_RDONLY | O_DIRECTORY, 0));
        int rootFd = root.open("", O_RDONLY | O_DIRECTORY, 0);
        assertTrue(rootFd >= 0);
        FileOps.close(rootFd);
        int leaf = root.open("sub/deep/leaf", O_RDONLY, 0);
        assertEquals("leaf!", readAll(leaf));
        FileOps.close(leaf);
    }

    @Test
    void mkdirAndRmdir() {
        assertEquals(0, root.mkdir("sub/d", 0750));
        assertEquals(S_IFDIR, type(root.mode("sub/d")));
        assertEquals(-EEXIST, root.mkdir("sub/d", 0750));
        assertEquals(-EEXIST, root.mkdir("", 0750));
        assertEquals(-ENOENT, root.mkdir("nodir/d", 0750));
        assertEquals(-ENOTDIR, root.mkdir("file/d", 0750));
        assertEquals(-ENOTEMPTY, root.rmdir("sub"));
        assertEquals(-ENOTDIR, root.rmdir("file"));
        assertEquals(-ENOENT, root.rmdir("nope"));
        assertEquals(0, root.rmdir("sub/d"));
        assertEquals(-ENOENT, root.mode("sub/d"));
    }

    @Test
    void mknodMakesFifo() {
        assertEquals(0, root.mknod("fifo", S_IFIFO | 0644, 0));
        assertEquals(S_IFIFO, type(root.mode("fifo")));
        assertEquals(-EEXIST, root.mknod("fifo", S_IFIFO | 0644, 0));
        assertEquals(0, root.mknod("plain", S_IFREG | 0600, 0));
        assertEquals(S_IFREG, type(root.mode("plain")));
    }

    @Test
    void unlink() {
        assertEquals(0, root.unlink("sub/deep/leaf"));
        assertFalse(Files.exists(dir.resolve("sub/deep/leaf")));
        assertEquals(-ENOENT, root.unlink("sub/deep/leaf"));
        assertEquals(-EISDIR, root.unlink("sub"));
        assertEquals(-ENOTDIR, root.unlink("file/x"));
    }

    @Test
    void rename() throws IOException {
        assertEquals(0, root.rename("file", "sub/deep/moved", 0));
        assertEquals("hello", Files.readString(dir.resolve("sub/deep/moved")));
        assertEquals(-ENOENT, root.rename("file", "x", 0));
        assertEquals(-EEXIST, root.rename("sub/deep/moved", "sub/deep/leaf", RENAME_NOREPLACE));
        assertEquals(0, root.rename("sub/deep/moved", "sub/deep/leaf", 0));
        assertEquals("hello", Files.readString(dir.resolve("sub/deep/leaf")));
        assertEquals(-ENOENT, root.rename("sub/deep/leaf", "nodir/x", 0));
        assertEquals(0, root.mkdir("d1", 0755));
        assertEquals(-ENOTEMPTY, root.rename("d1", "sub", 0));
    }

    @Test
    void hardLinkNeverFollows() {
        assertEquals(0, root.link("file", "sub/hard"));
        assertEquals(0, root.stat("file", st));
        assertEquals(2, StatBuf.nlink(st));
        assertEquals(-EEXIST, root.link("file", "sub/hard"));
        assertEquals(-ENOENT, root.link("nope", "x"));
        assertEquals(0, root.symlink("file", "sl"));
        assertEquals(0, root.link("sl", "sl2"));
        assertEquals(S_IFLNK, type(root.mode("sl2")));
    }

    @Test
    void symlinkAndReadlinkKeepTargetVerbatim() {
        String target = "../../../outside/é";
        assertEquals(0, root.symlink(target, "sub/ln"));
        assertEquals(S_IFLNK, type(root.mode("sub/ln")));
        Pointer buf = mem(256);
        int n = root.readlink("sub/ln", buf, 256);
        assertEquals(target.getBytes(StandardCharsets.UTF_8).length, n);
        assertEquals(target, string(buf, n));
        assertEquals(3, root.readlink("sub/ln", buf, 3));
        assertEquals(-EEXIST, root.symlink("x", "sub/ln"));
        assertEquals(-EINVAL, root.symlink("a\0b", "x"));
        assertEquals(-EINVAL, root.readlink("file", buf, 256));
        assertEquals(-ENOENT, root.readlink("nope", buf, 256));
    }

    @BothModes
    void chmodChangesModeButRefusesSymlinks(boolean fallbacks) throws IOException {
        reopen(fallbacks);
        assertEquals(0, root.chmod("file", 0600));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("file"))));
        assertEquals(0, root.chmod("sub/deep", 0700));
        assertEquals(S_IFDIR | 0700, root.mode("sub/deep"));
        assertEquals(0, root.symlink("file", "ln"));
        assertEquals(-EOPNOTSUPP, root.chmod("ln", 0777));
        assertEquals(S_IFREG | 0600, root.mode("file"));
        assertEquals(-ENOENT, root.chmod("nope", 0600));
        int before = root.mode("");
        assertEquals(0, root.chmod("", 0711));
        assertEquals(S_IFDIR | 0711, root.mode(""));
        assertEquals(0, root.chmod("", before & 07777));
    }

    @Test
    void utimensSetsExplicitOmittedAndNow() throws IOException {
        assertEquals(0, root.utimens("file", new long[] {1000, 5, 2000, 7}));
        assertEquals(0, root.stat("file", st));
        assertEquals(1000, StatBuf.atimeSec(st));
        assertEquals(2000, StatBuf.mtimeSec(st));
        assertEquals(7, StatBuf.mtimeNsec(st));
        assertEquals(0, root.utimens("file", new long[] {0, UTIME_NOW, 0, UTIME_OMIT}));
        assertEquals(0, root.stat("file", st));
        assertEquals(2000, StatBuf.mtimeSec(st));
        assertTrue(StatBuf.atimeSec(st) > 1_600_000_000L);
        assertEquals(0, root.utimens("file", null));
        assertTrue(Files.getLastModifiedTime(dir.resolve("file")).toMillis() > 1_600_000_000_000L);
        assertEquals(-EINVAL, root.utimens("file", new long[] {1, 2}));
        assertEquals(-ENOENT, root.utimens("nope", null));
    }

    @Test
    void truncate() throws IOException {
        assertEquals(0, root.truncate("file", 2));
        assertEquals("he", Files.readString(dir.resolve("file")));
        assertEquals(0, root.truncate("file", 10));
        assertEquals(10, Files.size(dir.resolve("file")));
        assertEquals(-EISDIR, root.truncate("sub", 0));
        assertEquals(-ENOENT, root.truncate("nope", 0));
        assertEquals(0, root.mknod("fifo", S_IFIFO | 0644, 0));
        assertEquals(-EINVAL, root.truncate("fifo", 0));
        assertEquals(-EINVAL, root.truncate("file", -1));
    }

    @Test
    void statfsFillsJnrFuseStatvfs() {
        Statvfs sv = new Statvfs(jnr.ffi.Runtime.getRuntime(Native.libc()));
        assertEquals(0, root.statfs(Struct.getMemory(sv)));
        assertTrue(sv.f_bsize.longValue() > 0);
        assertTrue(sv.f_blocks.longValue() > 0);
        assertTrue(sv.f_namemax.longValue() >= 255);
    }

    @BothModes
    void xattrsRoundTrip(boolean fallbacks) throws IOException {
        reopen(fallbacks);
        int rc = root.setxattr("file", "user.k", bytes("value"), 5, 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(rc != -EOPNOTSUPP, "no user xattrs here");
        assertEquals(0, rc);
        assertEquals(5, root.getxattr("file", "user.k", null, 0));
        Pointer buf = mem(64);
        assertEquals(5, root.getxattr("file", "user.k", buf, 64));
        assertEquals("value", string(buf, 5));
        assertEquals(-ERANGE, root.getxattr("file", "user.k", buf, 2));
        assertEquals(-EEXIST, root.setxattr("file", "user.k", bytes("v2"), 2, XATTR_CREATE));
        assertEquals(-ENODATA, root.setxattr("file", "user.other", bytes("v2"), 2, XATTR_REPLACE));
        int n = root.listxattr("file", buf, 64);
        assertTrue(n > 0);
        assertTrue(string(buf, n).contains("user.k\0"), string(buf, n));
        assertEquals(n, root.listxattr("file", null, 0));
        assertEquals(0, root.removexattr("file", "user.k"));
        assertEquals(-ENODATA, root.getxattr("file", "user.k", buf, 64));
        assertEquals(-ENODATA, root.removexattr("file", "user.k"));
        assertEquals(0, root.setxattr("sub/deep", "user.d", bytes("x"), 1, 0));
        assertEquals(1, root.getxattr("sub/deep", "user.d", buf, 64));
        assertEquals(0, root.setxattr("", "user.r", bytes("r"), 1, 0));
        assertEquals(1, root.getxattr("", "user.r", buf, 64));
        assertEquals(-ENOENT, root.getxattr("nope", "user.k", buf, 64));
        assertEquals(-EINVAL, root.getxattr("file", "user.\0k", buf, 64));
    }

    @BothModes
    void xattrsOfASymlinkAreItsOwnNeverItsTargets(boolean fallbacks) throws IOException {
        reopen(fallbacks);
        int rc = root.setxattr("file", "user.k", bytes("value"), 5, 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(rc != -EOPNOTSUPP, "no user xattrs here");
        assertEquals(0, root.symlink("file", "ln"));
        Pointer buf = mem(64);
        assertEquals(-ENODATA, root.getxattr("ln", "user.k", buf, 64));
        // The kernel allows no user.* attribute on a symlink itself: setting or removing one is EPERM.
        assertEquals(-EPERM, root.setxattr("ln", "user.k", bytes("x"), 1, 0));
        assertEquals(-EPERM, root.removexattr("ln", "user.k"));
        int n = root.listxattr("ln", buf, 64);
        assertTrue(n >= 0 && !string(buf, Math.max(n, 0)).contains("user.k"), "listed " + n);
        assertEquals(5, root.getxattr("file", "user.k", buf, 64));
    }

    @BothModes
    void xattrsTakeHeapBuffersToo(boolean fallbacks) throws IOException {
        reopen(fallbacks);
        Pointer heap = jnr.ffi.Runtime.getSystemRuntime().getMemoryManager().allocate(16);
        heap.put(0, "abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        int rc = root.setxattr("file", "user.h", heap, 3, 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(rc != -EOPNOTSUPP, "no user xattrs here");
        assertEquals(0, rc);
        Pointer out = jnr.ffi.Runtime.getSystemRuntime().getMemoryManager().allocate(16);
        assertEquals(3, root.getxattr("file", "user.h", out, 16));
        assertEquals("abc", string(out, 3));
        assertTrue(root.listxattr("file", out, 16) > 0);
    }

    @Test
    void listGivesNamesAndTypes() {
        assertEquals(0, root.symlink("file", "ln"));
        Map<String, Integer> seen = new TreeMap<>();
        assertEquals(0, list(root, "", (name, type) -> seen.put(name, type) == null));
        assertEquals(Map.of("file", DT_REG, "ln", DT_LNK, "sub", DT_DIR), seen);
        assertEquals(List.of("leaf"), names(root, "sub/deep"));
        assertEquals(-ENOTDIR, list(root, "file", (n, t) -> true));
        assertEquals(-ENOENT, list(root, "nope", (n, t) -> true));
        List<String> first = new ArrayList<>();
        assertEquals(0, list(root, "", (name, type) -> first.add(name) && false));
        assertEquals(1, first.size());
    }

    @Test
    void listsLargeDirectories() {
        for (int i = 0; i < 2000; i++) {
            int fd = root.open("sub/f-with-a-longish-name-" + i, O_CREAT | O_WRONLY, 0644);
            assertTrue(fd >= 0);
            FileOps.close(fd);
        }
        assertEquals(2001, names(root, "sub").size());
    }

    @Test
    void closedRootAnswersEbadf() {
        root.close();
        root.close();
        assertEquals(-EBADF, root.stat("file", st));
        assertEquals(-EBADF, root.open("file", O_RDONLY, 0));
        assertEquals(-EBADF, root.statfs(mem(256)));
        assertTrue(root.toString().contains("closed"));
    }

    @Test
    void nonAsciiNames() throws IOException {
        int fd = root.open("sub/ünï €", O_CREAT | O_WRONLY, 0644);
        assertTrue(fd >= 0);
        FileOps.close(fd);
        assertTrue(Files.exists(dir.resolve("sub/ünï €")));
        assertTrue(names(root, "sub").contains("ünï €"));
        FileTime t = Files.getLastModifiedTime(dir.resolve("sub/ünï €"));
        assertTrue(t.toMillis() > 0);
    }
}
