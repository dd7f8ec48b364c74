package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.AT_FDCWD;
import static sharefs.backing.Flags.AT_REMOVEDIR;
import static sharefs.backing.Flags.AT_SYMLINK_NOFOLLOW;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;

/**
 * Names that are not UTF-8 on the libfuse2 engine: every call that takes a name answers EILSEQ
 * for one, so two such names can never reach one backing file, and a backing entry with such a
 * name is never listed under another name. Every call is a real syscall on a live mount with raw
 * name bytes (Java's own file API cannot make such names).
 */
@Timeout(120)
class NonUtf8NamesTest {
    static final int EILSEQ = 84;
    static final String A = "a@x.io";
    /** Past this the FUSE connection is aborted, so a hung call fails the test instead of the JVM. */
    static final long DEADLINE_SECONDS = 110;

    /** Not UTF-8: a stray byte, a truncated sequence, an overlong '/', a UTF-16 surrogate. */
    static final byte[][] INVALID = {
            {'b', 'a', 'd', (byte) 0xff},
            {'b', 'a', 'd', (byte) 0xfe},
            {'c', 'u', 't', (byte) 0xe2, (byte) 0x82},
            {'o', 'v', 'e', 'r', (byte) 0xc0, (byte) 0xaf},
            {'s', 'u', 'r', (byte) 0xed, (byte) 0xa0, (byte) 0x80},
    };

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path mnt;
    static Path back;
    static MountDeadline deadline;

    @BeforeAll
    static void mountA() throws IOException {
        env = new Mounts(tmp);
        // The kernel engine takes names as bytes (KernelViewFsTest); this is libfuse2's answer.
        mnt = env.soloMountLibfuse2(A, "tests", "a");
        back = env.backing(A, "tests");
        deadline = MountDeadline.of(Duration.ofSeconds(DEADLINE_SECONDS), mnt);
    }

    @AfterAll
    static void unmount() {
        if (deadline != null) deadline.close();
        if (env != null) env.close();
    }

    /** A fresh directory of this test's own in the folder, made natively; returns its path through the mount. */
    static Path own(String name) throws IOException {
        Files.createDirectory(back.resolve(name));
        return mnt.resolve("tests").resolve(name);
    }

    /** dir's path, a slash, then name's bytes as they are, NUL-terminated. */
    static byte[] at(Path dir, byte[] name) {
        byte[] d = (dir.toString() + "/").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[d.length + name.length + 1];
        System.arraycopy(d, 0, out, 0, d.length);
        System.arraycopy(name, 0, out, d.length, name.length);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static int rc(long r) {
        return r < 0 ? -FdSys.errno() : (int) Math.min(r, Integer.MAX_VALUE);
    }

    /** The raw names in a directory (without . and ..), hex-encoded, sorted. */
    static List<String> rawNames(Path dir) {
        int fd = Px.S.openat(AT_FDCWD, Px.c(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open " + dir + ": " + Px.name(FdSys.errno()));
        try {
            List<String> out = new ArrayList<>();
            byte[] buf = new byte[32768];
            for (;;) {
                long n = Px.S.getdents64(fd, buf, buf.length);
                assertTrue(n >= 0, "getdents64 " + dir + ": " + Px.name(FdSys.errno()));
                if (n == 0) break;
                for (int off = 0; off < n; ) {
                    int reclen = (buf[off + 16] & 0xff) | (buf[off + 17] & 0xff) << 8;
                    int end = off + 19;
                    while (end < off + reclen && buf[end] != 0) end++;
                    byte[] name = java.util.Arrays.copyOfRange(buf, off + 19, end);
                    String s = new String(name, StandardCharsets.ISO_8859_1);
                    if (!s.equals(".") && !s.equals("..")) out.add(hex(name));
                    off += reclen;
                }
            }
            out.sort(null);
            return out;
        } finally {
            Px.S.close(fd);
        }
    }

    /** Makes a file in the backing directory with exactly these name bytes, as another tool would. */
    static void backingFile(Path dir, byte[] name, String content) {
        int fd = Px.S.openat(AT_FDCWD, at(dir, name), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        assertTrue(fd >= 0, "create in the backing dir: " + Px.name(FdSys.errno()));
        try {
            byte[] b = utf8(content);
            assertEquals(b.length, Px.S.pwrite(fd, b, b.length, 0));
        } finally {
            Px.S.close(fd);
        }
    }

    static void assertEilseq(String what, IntSupplier call) {
        int r = call.getAsInt();
        assertEquals(Px.name(EILSEQ), Px.name(Px.errno(r)), what);
    }

    @Test
    void aNameThatIsNotUtf8_isRefusedByEveryCallThatMakesOne_andNothingIsMade() throws IOException {
        Path tests = own("making");
        Path home = back.resolve("making");
        Files.writeString(home.resolve("ok"), "ok");
        Files.createDirectories(home.resolve("sub"));
        List<String> before = rawNames(home);
        for (byte[] name : INVALID) {
            String n = hex(name);
            for (Path dir : List.of(tests, tests.resolve("sub"))) {
                byte[] p = at(dir, name);
                assertEilseq("lstat " + n, () -> rc(Px.S.fstatat(AT_FDCWD, p, new byte[256], AT_SYMLINK_NOFOLLOW)));
                assertEilseq("create " + n, () -> rc(Px.S.openat(AT_FDCWD, p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)));
                assertEilseq("create excl " + n,
                        () -> rc(Px.S.openat(AT_FDCWD, p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644)));
                assertEilseq("mkdir " + n, () -> rc(Px.S.mkdirat(AT_FDCWD, p, 0755)));
                assertEilseq("mkfifo " + n, () -> rc(Px.S.mknodat(AT_FDCWD, p, Px.S_IFIFO | 0644, 0)));
                assertEilseq("symlink " + n, () -> rc(Px.S.symlinkat(Px.c("ok"), AT_FDCWD, p)));
                assertEilseq("link " + n, () -> rc(Px.S.linkat(AT_FDCWD, Px.c(tests.resolve("ok")), AT_FDCWD, p, 0)));
                assertEilseq("rename onto " + n,
                        () -> rc(Px.S.renameat2(AT_FDCWD, Px.c(tests.resolve("ok")), AT_FDCWD, p, 0)));
                // A component in the middle of a path is looked up like any other.
                byte[] below = at(dir, (new String(name, StandardCharsets.ISO_8859_1) + "/x")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertEilseq("create below " + n, () -> rc(Px.S.openat(AT_FDCWD, below, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)));
            }
            // At the view root a name that cannot be a folder's is refused the same way.
            assertEilseq("lstat at the root " + n, () -> rc(Px.S.fstatat(AT_FDCWD, at(mnt, name), new byte[256], AT_SYMLINK_NOFOLLOW)));
            assertEilseq("mkdir at the root " + n, () -> rc(Px.S.mkdirat(AT_FDCWD, at(mnt, name), 0755)));
        }
        assertEquals(before, rawNames(home), "a refused name made something in the backing directory");
        assertEquals(List.of(), rawNames(home.resolve("sub")));
        assertEquals("ok", Files.readString(home.resolve("ok")));
    }

    @Test
    void backingEntriesNotUtf8_areNeitherListedNorReachable_andStayAsTheyAre() throws IOException {
        byte[] ff = INVALID[0];
        byte[] fe = INVALID[1];
        byte[] dirName = INVALID[3];
        Path tests = own("listing");
        Path home = back.resolve("listing");
        backingFile(home, ff, "ff");
        backingFile(home, fe, "fe");
        assertEquals(0, rc(Px.S.mkdirat(AT_FDCWD, at(home, dirName), 0755)));
        Files.writeString(home.resolve("good"), "good");
        List<String> backingBefore = rawNames(home);
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        List<List<String>> listings = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) listings.add(rawNames(tests));
        } finally {
            System.setErr(err);
        }
        for (List<String> l : listings) assertEquals(List.of(hex(utf8("good"))), l, "listed through the mount");
        long lines = logged.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("not UTF-8")).count();
        assertEquals(1, lines, "skipping is logged once per mount: " + logged.toString(StandardCharsets.UTF_8));

        for (byte[] name : new byte[][] {ff, fe, dirName}) {
            String n = hex(name);
            byte[] p = at(tests, name);
            byte[] buf = new byte[256];
            assertEilseq("lstat " + n, () -> rc(Px.S.fstatat(AT_FDCWD, p, buf, AT_SYMLINK_NOFOLLOW)));
            assertEilseq("open " + n, () -> rc(Px.S.openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC, 0)));
            assertEilseq("opendir " + n, () -> rc(Px.S.openat(AT_FDCWD, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)));
            assertEilseq("unlink " + n, () -> rc(Px.S.unlinkat(AT_FDCWD, p, 0)));
            assertEilseq("rmdir " + n, () -> rc(Px.S.unlinkat(AT_FDCWD, p, AT_REMOVEDIR)));
            assertEilseq("rename from " + n,
                    () -> rc(Px.S.renameat2(AT_FDCWD, p, AT_FDCWD, Px.c(tests.resolve("moved")), 0)));
            assertEilseq("link from " + n, () -> rc(Px.S.linkat(AT_FDCWD, p, AT_FDCWD, Px.c(tests.resolve("linked")), 0)));
            assertEilseq("chmod " + n, () -> rc(Px.S.fchmodat(AT_FDCWD, p, 0600, 0)));
            assertEilseq("chown " + n, () -> rc(Px.S.fchownat(AT_FDCWD, p, 1000, 1000, AT_SYMLINK_NOFOLLOW)));
            assertEilseq("utimens " + n, () -> rc(Px.S.utimensat(AT_FDCWD, p, new long[] {1, 0, 1, 0}, 0)));
            assertEilseq("truncate " + n, () -> rc(Px.S.truncate(p, 0)));
            assertEilseq("access " + n, () -> rc(Px.S.faccessat(AT_FDCWD, p, Px.R_OK, 0)));
            assertEilseq("readlink " + n, () -> rc(Px.S.readlinkat(AT_FDCWD, p, buf, buf.length)));
            byte[] v = utf8("v");
            assertEilseq("setxattr " + n, () -> rc(Px.S.setxattr(p, Px.c("user.x"), v, v.length, 0)));
            assertEilseq("getxattr " + n, () -> rc(Px.S.getxattr(p, Px.c("user.x"), buf, buf.length)));
            assertEilseq("listxattr " + n, () -> rc(Px.S.listxattr(p, buf, buf.length)));
            assertEilseq("removexattr " + n, () -> rc(Px.S.removexattr(p, Px.c("user.x"))));
        }
        assertEquals(backingBefore, rawNames(home), "the backing entries changed");
        assertEquals("ff", readBacking(home, ff));
        assertEquals("fe", readBacking(home, fe));
    }

    private static String readBacking(Path dir, byte[] name) {
        int fd = Px.S.openat(AT_FDCWD, at(dir, name), O_RDONLY | O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open in the backing dir: " + Px.name(FdSys.errno()));
        try {
            return Px.pread(fd);
        } finally {
            Px.S.close(fd);
        }
    }

    /** U+FFFD is a character like any other: a name holding it is neither refused nor confused with a lossy one. */
    @Test
    void aValidNameWithTheReplacementCharacter_isAnOrdinaryName() throws IOException {
        byte[] valid = utf8("bad\uFFFD");
        Path tests = own("fffd");
        int fd = rc(Px.S.openat(AT_FDCWD, at(tests, valid), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
        assertTrue(fd >= 0, "create: " + Px.name(-fd));
        try {
            assertEquals(5, Px.pwrite(fd, "valid", 0));
        } finally {
            Px.close(fd);
        }
        assertEquals(List.of(hex(valid)), rawNames(tests));
        assertEquals(List.of(hex(valid)), rawNames(back.resolve("fffd")));
        assertEquals(0, rc(Px.S.fstatat(AT_FDCWD, at(tests, valid), new byte[256], AT_SYMLINK_NOFOLLOW)));
        for (byte[] name : INVALID) {
            assertEilseq("lstat " + hex(name), () -> rc(Px.S.fstatat(AT_FDCWD, at(tests, name), new byte[256], AT_SYMLINK_NOFOLLOW)));
        }
        assertEquals(0, rc(Px.S.unlinkat(AT_FDCWD, at(tests, valid), 0)));
        assertEquals(List.of(), rawNames(back.resolve("fffd")));
    }

    @Test
    void xattrNamesNotUtf8_areRefused_andNotListed() throws IOException {
        Path x = own("xattr").resolve("x");
        Path bx = Files.writeString(back.resolve("xattr/x"), "x");
        byte[] v = utf8("v");
        byte[] badName = {'u', 's', 'e', 'r', '.', (byte) 0xff, 0};
        byte[] buf = new byte[256];
        assertEilseq("setxattr", () -> rc(Px.S.setxattr(Px.c(x), badName, v, v.length, 0)));
        assertEilseq("getxattr", () -> rc(Px.S.getxattr(Px.c(x), badName, buf, buf.length)));
        assertEilseq("removexattr", () -> rc(Px.S.removexattr(Px.c(x), badName)));
        // Set natively on the backing file: it is left out of the listing, the others are not.
        byte[] fe = {'u', 's', 'e', 'r', '.', (byte) 0xfe, 0};
        assertEquals(0, rc(Px.S.setxattr(Px.c(bx), fe, v, v.length, 0)));
        assertEquals(0, Px.setxattr(x, "user.ok", "v"));
        assertEquals(List.of("user.ok"), Px.listxattr(x, new int[1]));
        assertEquals(1, rc(Px.S.getxattr(Px.c(bx), fe, buf, buf.length)), "the backing xattr stays");
    }

    /**
     * A symlink's target is the caller's bytes, never a name the daemon resolves (the caller's
     * kernel does): stored and read back exactly, whatever they are.
     */
    @Test
    void aSymlinkTargetIsStoredAsItsBytes() throws IOException {
        byte[] target = {'.', '.', '/', 'x', (byte) 0xff, (byte) 0xfe, '/', (byte) 0xc0, (byte) 0xaf, 0};
        Path link = own("symlink").resolve("lnk");
        assertEquals(0, rc(Px.S.symlinkat(target, AT_FDCWD, Px.c(link))));
        byte[] expected = java.util.Arrays.copyOf(target, target.length - 1);
        for (Path p : List.of(link, back.resolve("symlink/lnk"))) {
            byte[] buf = new byte[256];
            int n = rc(Px.S.readlinkat(AT_FDCWD, Px.c(p), buf, buf.length));
            assertEquals(expected.length, n, "readlink " + p + ": " + Px.name(-n));
            assertArrayEquals(expected, java.util.Arrays.copyOf(buf, n), "readlink " + p);
        }
    }
}
