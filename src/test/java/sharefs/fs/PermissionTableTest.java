package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.EACCES;
import static sharefs.fs.Px.EPERM;
import static sharefs.fs.Px.EROFS;
import static sharefs.fs.Px.EXDEV;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;
import sharefs.testing.MountDeadline;

/**
 * Every cell of the DESIGN.md permission table, inside a folder and at the view root, for each
 * level: four live mounts (view, edit, edit-delete invitees and the owner) of one folder "tests"
 * (a second folder "other" for the cross-folder rows, a third "ren" for renaming a folder),
 * driven with raw syscalls. Each test works in its own fresh case directory; every refusal is
 * also checked to have changed nothing in the backing directories.
 *
 * <p>The whole table runs twice: as root, and as the session's uid. Root passes every owner-bit
 * check (the daemon's and the kernel's) and holds every capability, so only the second run
 * tries each cell the way a session's process meets it. Its calls come from a thread that is
 * uid/gid 1000 with no groups and no capabilities ({@link ThreadCreds}); the case's entries
 * give their owner every permission bit it needs, and the mount shows them owned by uid 1000, so
 * the kernel lets each call through to the daemon and the errno is sharefs' rule, except where
 * the kernel refuses an unprivileged caller itself (device nodes, trusted.* xattrs: said there).
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class PermissionTableTest {
    enum Level { VIEW, EDIT, EDIT_DELETE, OWNER }

    /** Who makes every call through the mounts. */
    enum As { ROOT, SESSION_UID }

    static final String OWNER = "o@x.io";
    static final Map<Level, String> USERS = Map.of(Level.VIEW, "v@x.io", Level.EDIT, "e@x.io",
            Level.EDIT_DELETE, "d@x.io", Level.OWNER, OWNER);
    /** Every level's view root lists exactly these. */
    static final List<String> FOLDERS = List.of("other", "ren", "tests");

    @TempDir
    static Path tmp;
    static Mounts env;
    static final Map<Level, Path> MNT = new EnumMap<>(Level.class);
    static Path backTests;
    static Path backOther;
    static final AtomicInteger CASES = new AtomicInteger();
    static final Map<As, CallerThread> CALLERS = new EnumMap<>(As.class);

    String caseName;
    Path caseBack;
    Path caseOtherBack;

    /** One instance per class, so a subclass can pick the engine (the fixtures stay static). */
    @BeforeAll
    void mountAll() throws IOException {
        mountAll(engine());
    }

    /** The engine the table runs on. */
    Mounts.Engine engine() {
        return Mounts.Engine.LIBFUSE2;
    }

    /** The installation and the four mounts, on engine (each engine's table is the other's cross-check). */
    static void mountAll(Mounts.Engine engine) throws IOException {
        MNT.clear();
        CASES.set(0);
        env = new Mounts(tmp);
        env.user(OWNER);
        env.folder(OWNER, "tests");
        env.folder(OWNER, "other");
        env.folder(OWNER, "ren");
        for (Level l : List.of(Level.VIEW, Level.EDIT, Level.EDIT_DELETE)) {
            env.user(USERS.get(l));
            Permission p = Permission.valueOf(l.name());
            env.share(OWNER, "tests", USERS.get(l), p);
            env.share(OWNER, "other", USERS.get(l), p);
            env.share(OWNER, "ren", USERS.get(l), p);
        }
        backTests = env.backing(OWNER, "tests");
        backOther = env.backing(OWNER, "other");
        for (Level l : Level.values()) {
            Path mp = env.mountPoint(l.name().toLowerCase());
            env.mount(engine, USERS.get(l), mp);
            MNT.put(l, mp);
        }
        Runnable abortMounts = () -> MNT.values().forEach(MountDeadline::abort);
        CALLERS.put(As.ROOT, CallerThread.root(abortMounts));
        CALLERS.put(As.SESSION_UID, CallerThread.session(Mounts.UID, Mounts.GID, abortMounts));
    }

    @AfterAll
    static void unmountAll() {
        CALLERS.values().forEach(CallerThread::close);
        if (env != null) env.close();
    }

    /**
     * A fresh case: tests/cN/{f (user.k=v), g, sub/, ln -> f} and other/cN/h. The modes are set,
     * not left to the umask: the owner bits must let the session's uid read and write every file
     * and write and search every directory, so a refusal is the table's, not the owner bits'.
     */
    @BeforeEach
    void newCase() throws IOException {
        caseName = "c" + CASES.incrementAndGet();
        caseBack = Files.createDirectory(backTests.resolve(caseName));
        Files.setPosixFilePermissions(caseBack, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(caseBack.resolve("f"), "hello\n");
        Files.setPosixFilePermissions(caseBack.resolve("f"), PosixFilePermissions.fromString("rw-r--r--"));
        xattrs(caseBack.resolve("f")).write("k", ByteBuffer.wrap("v".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(caseBack.resolve("g"), "gee\n");
        Files.setPosixFilePermissions(caseBack.resolve("g"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectory(caseBack.resolve("sub"));
        Files.setPosixFilePermissions(caseBack.resolve("sub"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(caseBack.resolve("ln"), Path.of("f"));
        caseOtherBack = Files.createDirectory(backOther.resolve(caseName));
        Files.writeString(caseOtherBack.resolve("h"), "aitch\n");
    }

    /** Every cell twice: each level by root and by the session's uid. */
    static Stream<Arguments> seats() {
        return Stream.of(Level.values()).flatMap(l -> Stream.of(As.values()).map(a -> Arguments.of(l, a)));
    }

    // --- helpers ------------------------------------------------------------------------------

    private Path m(Level l, String rel) {
        return MNT.get(l).resolve("tests").resolve(caseName).resolve(rel);
    }

    private Path other(Level l, String rel) {
        return MNT.get(l).resolve("other").resolve(caseName).resolve(rel);
    }

    /** A name directly under the view root. */
    private static Path atRoot(Level l, String name) {
        return MNT.get(l).resolve(name);
    }

    /** A syscall through a mount, made by as; its result (negated errno on failure). */
    private static int call(As as, IntSupplier op) {
        return CALLERS.get(as).call(op);
    }

    /** Anything that goes through a mount, made by as. */
    private static <T> T get(As as, Callable<T> op) {
        return CALLERS.get(as).get(op);
    }

    private static UserDefinedFileAttributeView xattrs(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    }

    private Map<String, String> snapshot() throws IOException {
        Map<String, String> s = new TreeMap<>();
        Snap.of(caseBack).forEach((k, v) -> s.put("tests/" + k, v));
        Snap.of(caseOtherBack).forEach((k, v) -> s.put("other/" + k, v));
        return s;
    }

    static int write(Level l) {
        return l == Level.VIEW ? EROFS : 0;
    }

    static int delete(Level l) {
        return l == Level.VIEW ? EROFS : l == Level.EDIT ? EACCES : 0;
    }

    /**
     * Runs one syscall as one table cell: asserts its exact errno, and that a refusal left both
     * backing case directories exactly as they were.
     */
    private void cell(Level l, As as, String call, int expected, IntSupplier op) throws IOException {
        Map<String, String> before = snapshot();
        int errno = Px.errno(call(as, op));
        assertEquals(Px.name(expected), Px.name(errno), call + " as " + l + " by " + as);
        if (expected != 0) assertEquals(before, snapshot(), "refused " + call + " as " + l + " by " + as + " changed the backing directory");
    }

    /** open(2) as a cell: the descriptor of a successful open is closed again. */
    private static IntSupplier opening(Path p, int flags, int mode) {
        return () -> {
            int fd = Px.open(p, flags, mode);
            if (fd >= 0) Px.close(fd);
            return fd < 0 ? fd : 0;
        };
    }

    /**
     * A descriptor open for writing on f. For a view share it is the only way to reach write,
     * ftruncate and fallocate: the share is raised to edit, the file opened, and the share
     * lowered back to view before the descriptor is used (the DESIGN's downgrade rule).
     */
    private int writableFdOpenedBefore(Level l, As as, Path f) {
        if (l != Level.VIEW) {
            int fd = call(as, () -> Px.open(f, O_RDWR, 0));
            assertTrue(fd >= 0, "open O_RDWR as " + l + " by " + as + ": " + Px.name(-fd));
            return fd;
        }
        String who = USERS.get(l);
        env.sharing.shares().set(OWNER, "tests", who, Permission.EDIT);
        int fd;
        try {
            Mounts.eventually("view share raised to edit reaches the mount", () -> call(as, () -> Px.access(f, Px.W_OK)) == 0);
            fd = call(as, () -> Px.open(f, O_RDWR, 0));
            assertTrue(fd >= 0, "open O_RDWR while edit, by " + as + ": " + Px.name(-fd));
        } finally {
            env.sharing.shares().set(OWNER, "tests", who, Permission.VIEW);
        }
        Mounts.eventually("share lowered back to view reaches the mount", () -> call(as, () -> Px.access(f, Px.W_OK)) == -EROFS);
        return fd;
    }

    // --- row 1: reads, ok for every level -----------------------------------------------------

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void getattr_ok(Level l, As as) throws IOException {
        cell(l, as, "getattr", 0, () -> -Px.lstatErrno(m(l, "f")));
        long[] st = get(as, () -> Px.lstat(m(l, "f")));
        assertEquals(Px.S_IFREG, st[0] & Px.S_IFMT);
        assertEquals(6, st[3]);
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void readdir_ok(Level l, As as) throws IOException {
        int[] err = new int[1];
        AtomicReference<List<String>> names = new AtomicReference<>();
        Path dir = MNT.get(l).resolve("tests").resolve(caseName);
        cell(l, as, "readdir", 0, () -> {
            names.set(Px.list(dir, err));
            return names.get() == null ? -err[0] : 0;
        });
        assertEquals(List.of("f", "g", "ln", "sub"), names.get());
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void readlink_ok(Level l, As as) throws IOException {
        int[] err = new int[1];
        String[] target = new String[1];
        cell(l, as, "readlink", 0, () -> (target[0] = Px.readlink(m(l, "ln"), err)) == null ? -err[0] : 0);
        assertEquals("f", target[0]);
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void openReadOnly_ok(Level l, As as) throws IOException {
        cell(l, as, "open O_RDONLY", 0, opening(m(l, "f"), O_RDONLY, 0));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void read_ok(Level l, As as) throws IOException {
        int fd = call(as, () -> Px.open(m(l, "f"), O_RDONLY, 0));
        assertTrue(fd >= 0, "open as " + l + " by " + as + ": " + Px.name(-fd));
        try {
            int[] err = new int[1];
            String[] got = new String[1];
            cell(l, as, "read", 0, () -> (got[0] = Px.pread(fd, 100, 0, err)) == null ? -err[0] : 0);
            assertEquals("hello\n", got[0]);
        } finally {
            call(as, () -> Px.close(fd));
        }
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void statfs_ok(Level l, As as) throws IOException {
        cell(l, as, "statfs", 0, () -> Px.statfs(m(l, "f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void getxattr_ok(Level l, As as) throws IOException {
        int[] err = new int[1];
        String[] v = new String[1];
        cell(l, as, "getxattr", 0, () -> (v[0] = Px.getxattr(m(l, "f"), "user.k", err)) == null ? -err[0] : 0);
        assertEquals("v", v[0]);
    }

    /**
     * A backing file's labels and ACLs grant nothing in a view, so they are hidden: getxattr says
     * "not supported" (which `ls -l` remembers for the filesystem) and listxattr leaves them out,
     * even where the backing file has one.
     */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void hiddenXattrs_EOPNOTSUPP_andNotListed(Level l, As as) throws IOException {
        assertEquals(0, Px.setxattr(caseBack.resolve("f"), "security.sharefs-test", "label"), "a label on the backing file");
        int[] err = new int[1];
        cell(l, as, "getxattr(security.sharefs-test)", Px.EOPNOTSUPP,
                () -> Px.getxattr(m(l, "f"), "security.sharefs-test", err) == null ? -err[0] : 0);
        cell(l, as, "getxattr(security.selinux)", Px.EOPNOTSUPP,
                () -> Px.getxattr(m(l, "f"), "security.selinux", err) == null ? -err[0] : 0);
        cell(l, as, "getxattr(system.posix_acl_access)", Px.EOPNOTSUPP,
                () -> Px.getxattr(m(l, "f"), "system.posix_acl_access", err) == null ? -err[0] : 0);
        AtomicReference<List<String>> names = new AtomicReference<>();
        cell(l, as, "listxattr", 0, () -> {
            names.set(Px.listxattr(m(l, "f"), err));
            return names.get() == null ? -err[0] : 0;
        });
        assertEquals(List.of("user.k"), names.get(), "listxattr shows the user name only");
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void listxattr_ok(Level l, As as) throws IOException {
        int[] err = new int[1];
        AtomicReference<List<String>> names = new AtomicReference<>();
        cell(l, as, "listxattr", 0, () -> {
            names.set(Px.listxattr(m(l, "f"), err));
            return names.get() == null ? -err[0] : 0;
        });
        assertTrue(names.get().contains("user.k"), "listxattr gave " + names.get());
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void accessReadAndSearch_ok(Level l, As as) throws IOException {
        cell(l, as, "access(f, R_OK)", 0, () -> Px.access(m(l, "f"), Px.R_OK));
        cell(l, as, "access(sub, R_OK|X_OK)", 0, () -> Px.access(m(l, "sub"), Px.R_OK | Px.X_OK));
    }

    /** Not a table row, but the same rule: asking for write access says EROFS where writing would. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void accessWrite_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "access(f, W_OK)", write(l), () -> Px.access(m(l, "f"), Px.W_OK));
    }

    // --- row 2: writes, EROFS for view ----------------------------------------------------------

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void openWriteOnly_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "open O_WRONLY", write(l), opening(m(l, "f"), O_WRONLY, 0));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void openReadWrite_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "open O_RDWR", write(l), opening(m(l, "f"), O_RDWR, 0));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void openReadOnlyWithTrunc_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "open O_RDONLY|O_TRUNC", write(l), opening(m(l, "f"), O_RDONLY | O_TRUNC, 0));
        assertEquals(l == Level.VIEW ? 6 : 0, Files.size(caseBack.resolve("f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void create_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "create", write(l), opening(m(l, "n"), O_CREAT | O_EXCL | O_WRONLY, 0644));
        assertEquals(l != Level.VIEW, Files.isRegularFile(caseBack.resolve("n"), LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void write_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        int fd = writableFdOpenedBefore(l, as, m(l, "f"));
        try {
            cell(l, as, "write", write(l), () -> {
                int n = Px.pwrite(fd, "HELLO", 0);
                return n < 0 ? n : n == 5 ? 0 : -Px.EIO;
            });
        } finally {
            call(as, () -> Px.close(fd));
        }
        assertEquals(l == Level.VIEW ? "hello\n" : "HELLO\n", Files.readString(caseBack.resolve("f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void truncate_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "truncate", write(l), () -> Px.truncate(m(l, "f"), 2));
        assertEquals(l == Level.VIEW ? "hello\n" : "he", Files.readString(caseBack.resolve("f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void ftruncate_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        int fd = writableFdOpenedBefore(l, as, m(l, "f"));
        try {
            cell(l, as, "ftruncate", write(l), () -> Px.ftruncate(fd, 2));
        } finally {
            call(as, () -> Px.close(fd));
        }
        assertEquals(l == Level.VIEW ? "hello\n" : "he", Files.readString(caseBack.resolve("f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void fallocate_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        int fd = writableFdOpenedBefore(l, as, m(l, "f"));
        try {
            cell(l, as, "fallocate", write(l), () -> Px.fallocate(fd, 0, 8192));
        } finally {
            call(as, () -> Px.close(fd));
        }
        assertEquals(l == Level.VIEW ? 6 : 8192, Files.size(caseBack.resolve("f")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mkdir_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "mkdir", write(l), () -> Px.mkdir(m(l, "nd"), 0755));
        assertEquals(l != Level.VIEW, Files.isDirectory(caseBack.resolve("nd"), LinkOption.NOFOLLOW_LINKS));
    }

    /** Unix-domain sockets (bind(2) on a path) are not devices: gpg-agent, ssh ControlPath, tmux put theirs in the home. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mknodSocket_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "mknod S_IFSOCK", write(l), () -> Px.mknod(m(l, "sock"), 0140000 | 0600, 0));
        if (l != Level.VIEW) {
            int mode = (Integer) Files.getAttribute(caseBack.resolve("sock"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertEquals(0140000, mode & Px.S_IFMT);
        }
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void bindOfAUnixSocket_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        Path sock = m(l, "bound.sock");
        String bound = get(as, () -> {
            try (java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.bind(java.net.UnixDomainSocketAddress.of(sock));
                return "bound";
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (l == Level.VIEW) {
            assertTrue(bound.contains("Read-only file system"), "bind as VIEW by " + as + ": " + bound);
        } else {
            assertEquals("bound", bound, "bind as " + l + " by " + as);
            assertTrue(Files.exists(caseBack.resolve("bound.sock"), LinkOption.NOFOLLOW_LINKS));
        }
    }

    /** chown to the session's own uid/gid changes no owner, but it is a change: ctime moves, and a view folder says EROFS. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chownToOneself_updatesCtime_EROFS_view(Level l, As as) throws IOException {
        java.nio.file.attribute.FileTime before = (java.nio.file.attribute.FileTime) Files.getAttribute(caseBack.resolve("f"), "unix:ctime");
        Mounts.sleep(20);
        cell(l, as, "chown self:self", write(l), () -> Px.chown(m(l, "f"), (int) Mounts.UID, (int) Mounts.GID));
        java.nio.file.attribute.FileTime after = (java.nio.file.attribute.FileTime) Files.getAttribute(caseBack.resolve("f"), "unix:ctime");
        if (l == Level.VIEW) assertEquals(before, after, "a refused chown changed ctime");
        else assertTrue(after.compareTo(before) > 0, "ctime moved: " + before + " -> " + after);
        assertEquals(0, (Integer) Files.getAttribute(caseBack.resolve("f"), "unix:uid"), "the backing owner is unchanged");
    }

    /** The top of a folder is its owner's: an editor who chmod 000s it would lock the owner and every viewer out. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chmodOfTheFolderTop_ownerOnly(Level l, As as) throws IOException {
        Path top = MNT.get(l).resolve("tests");
        int expected = l == Level.OWNER ? 0 : l == Level.VIEW ? EROFS : EPERM;
        int modeBefore = (Integer) Files.getAttribute(backTests, "unix:mode") & 07777;
        cell(l, as, "chmod 0700 of the folder's top", expected, () -> Px.chmod(top, 0700));
        if (l == Level.OWNER) {
            assertEquals(0, call(as, () -> Px.chmod(top, modeBefore)), "the owner puts the top's mode back");
        } else {
            assertEquals(modeBefore, (Integer) Files.getAttribute(backTests, "unix:mode") & 07777);
        }
        // Inside the folder the editors keep chmod, as the table says.
        cell(l, as, "chmod 0600 inside", write(l), () -> Px.chmod(m(l, "g"), 0600));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mknodFifo_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "mknod S_IFIFO", write(l), () -> Px.mknod(m(l, "fifo"), Px.S_IFIFO | 0644, 0));
        if (l != Level.VIEW) {
            int mode = (Integer) Files.getAttribute(caseBack.resolve("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertEquals(Px.S_IFIFO, mode & Px.S_IFMT);
        }
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void symlink_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "symlink", write(l), () -> Px.symlink("f", m(l, "sl")));
        if (l != Level.VIEW) assertEquals(Path.of("f"), Files.readSymbolicLink(caseBack.resolve("sl")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void linkWithinFolder_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "link within the folder", write(l), () -> Px.link(m(l, "f"), m(l, "f2")));
        if (l != Level.VIEW) {
            assertEquals(Files.getAttribute(caseBack.resolve("f"), "unix:ino"), Files.getAttribute(caseBack.resolve("f2"), "unix:ino"));
            assertEquals(2, Files.getAttribute(caseBack.resolve("f"), "unix:nlink"));
        }
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void utimens_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "utimensat", write(l), () -> Px.utimens(m(l, "f"), 1_000_000_000L, 1_000_000_000L));
        FileTime mtime = Files.getLastModifiedTime(caseBack.resolve("f"), LinkOption.NOFOLLOW_LINKS);
        assertEquals(l != Level.VIEW, mtime.toMillis() == 1_000_000_000_000L, "mtime " + mtime);
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chmodPermissionBits_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "chmod 0600", write(l), () -> Px.chmod(m(l, "f"), 0600));
        assertEquals(l == Level.VIEW ? "rw-r--r--" : "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(caseBack.resolve("f"))));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void setxattrUser_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "setxattr user.new", write(l), () -> Px.setxattr(m(l, "f"), "user.new", "v2"));
        assertEquals(l != Level.VIEW, xattrs(caseBack.resolve("f")).list().contains("new"));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void removexattrUser_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "removexattr user.k", write(l), () -> Px.removexattr(m(l, "f"), "user.k"));
        assertEquals(l == Level.VIEW, xattrs(caseBack.resolve("f")).list().contains("k"));
    }

    /**
     * Beyond the table: trusted.* carries privilege; read-only first for view, refused for everyone
     * else. The session's uid never reaches the daemon with it: the kernel refuses trusted.* to a
     * caller without CAP_SYS_ADMIN (EPERM) before it asks the filesystem.
     */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void setxattrTrusted_EROFS_view_EPERM_otherwise(Level l, As as) throws IOException {
        int expected = l == Level.VIEW && as == As.ROOT ? EROFS : EPERM;
        cell(l, as, "setxattr trusted.x", expected, () -> Px.setxattr(m(l, "f"), "trusted.x", "1"));
        int[] err = new int[1];
        assertEquals(null, Px.getxattr(caseBack.resolve("f"), "trusted.x", err), "trusted.x reached the backing file");
    }

    // --- row 3: deletes, EROFS view / EACCES edit / ok ------------------------------------------

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void unlink_EROFS_view_EACCES_edit_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "unlink", delete(l), () -> Px.unlink(m(l, "f")));
        assertEquals(delete(l) != 0, Files.exists(caseBack.resolve("f"), LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void rmdir_EROFS_view_EACCES_edit_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "rmdir", delete(l), () -> Px.rmdir(m(l, "sub")));
        assertEquals(delete(l) != 0, Files.exists(caseBack.resolve("sub"), LinkOption.NOFOLLOW_LINKS));
    }

    // --- rows 4-5: rename -----------------------------------------------------------------------

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void renameOntoNewName_EROFS_view_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "rename onto a new name", write(l), () -> Px.rename(m(l, "f"), m(l, "fnew")));
        if (l != Level.VIEW) {
            assertFalse(Files.exists(caseBack.resolve("f"), LinkOption.NOFOLLOW_LINKS));
            assertEquals("hello\n", Files.readString(caseBack.resolve("fnew")));
        }
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void renameOntoExistingEntry_EROFS_view_EACCES_edit_ok_otherwise(Level l, As as) throws IOException {
        cell(l, as, "rename onto an existing entry", delete(l), () -> Px.rename(m(l, "f"), m(l, "g")));
        assertEquals(delete(l) == 0 ? "hello\n" : "gee\n", Files.readString(caseBack.resolve("g")));
        assertEquals(delete(l) != 0, Files.exists(caseBack.resolve("f"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Beyond the table: renameat2(RENAME_EXCHANGE) would let an edit user replace an entry without
     * the delete right. libfuse 2 speaks no RENAME2, so the kernel refuses it (EINVAL) for everyone;
     * the kernel engine refuses it the same way until the table has a row for it.
     */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void renameExchange_EINVAL_neverSwaps(Level l, As as) throws IOException {
        cell(l, as, "renameat2 RENAME_EXCHANGE", Px.EINVAL, () -> Px.rename(m(l, "f"), m(l, "g"), sharefs.backing.Flags.RENAME_EXCHANGE));
        assertEquals("hello\n", Files.readString(caseBack.resolve("f")));
    }

    // --- row 6: between two folders, EXDEV for everyone -----------------------------------------

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void renameBetweenFolders_EXDEV(Level l, As as) throws IOException {
        cell(l, as, "rename into another folder (new name)", EXDEV, () -> Px.rename(m(l, "f"), other(l, "f")));
        cell(l, as, "rename into another folder (existing name)", EXDEV, () -> Px.rename(m(l, "f"), other(l, "h")));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void linkBetweenFolders_EXDEV(Level l, As as) throws IOException {
        cell(l, as, "link into another folder", EXDEV, () -> Px.link(m(l, "f"), other(l, "f")));
    }

    // --- row 7: chown, setuid/setgid bits, device nodes: EPERM for everyone ---------------------
    // (For the session's uid the kernel itself refuses device nodes, lacking CAP_MKNOD, before the
    // daemon is asked; the root run is the one that reaches the daemon's rule.)

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chownToAnotherUid_EPERM(Level l, As as) throws IOException {
        cell(l, as, "chown 1234:-1", EPERM, () -> Px.chown(m(l, "f"), 1234, -1));
        cell(l, as, "chown -1:1234", EPERM, () -> Px.chown(m(l, "f"), -1, 1234));
        cell(l, as, "chown 0:0", EPERM, () -> Px.chown(m(l, "f"), 0, 0));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chmodSetuid_EPERM(Level l, As as) throws IOException {
        cell(l, as, "chmod 04755", EPERM, () -> Px.chmod(m(l, "f"), 04755));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void chmodSetgid_EPERM(Level l, As as) throws IOException {
        cell(l, as, "chmod 02755 (file)", EPERM, () -> Px.chmod(m(l, "f"), 02755));
        cell(l, as, "chmod 02755 (dir)", EPERM, () -> Px.chmod(m(l, "sub"), 02755));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mknodCharDevice_EPERM(Level l, As as) throws IOException {
        // makedev(1, 3) is /dev/null.
        cell(l, as, "mknod S_IFCHR 1:3", EPERM, () -> Px.mknod(m(l, "null"), Px.S_IFCHR | 0666, (1 << 8) | 3));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mknodBlockDevice_EPERM(Level l, As as) throws IOException {
        cell(l, as, "mknod S_IFBLK 7:0", EPERM, () -> Px.mknod(m(l, "blk"), 060000 | 0666, 7 << 8));
    }

    /** A file created with setuid/setgid asked for: the bits row applies, whatever the level. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void createWithSetuidMode_EPERM(Level l, As as) throws IOException {
        cell(l, as, "create mode 04755", EPERM, opening(m(l, "suid"), O_CREAT | O_EXCL | O_WRONLY, 04755));
        assertFalse(Files.exists(caseBack.resolve("suid"), LinkOption.NOFOLLOW_LINKS));
    }

    // --- the view root: nothing created (EACCES) or removed (EPERM); mv renames for the owner ---

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void creatingAtTheViewRoot_EACCES(Level l, As as) throws IOException {
        String n = "new-" + caseName;
        cell(l, as, "create at the view root", EACCES, opening(atRoot(l, n), O_CREAT | O_EXCL | O_WRONLY, 0644));
        cell(l, as, "mkdir at the view root", EACCES, () -> Px.mkdir(atRoot(l, n), 0755));
        cell(l, as, "mknod S_IFIFO at the view root", EACCES, () -> Px.mknod(atRoot(l, n), Px.S_IFIFO | 0644, 0));
        cell(l, as, "symlink at the view root", EACCES, () -> Px.symlink("tests", atRoot(l, n)));
        cell(l, as, "link into the view root", EACCES, () -> Px.link(m(l, "f"), atRoot(l, n)));
        cell(l, as, "rename a file up to the view root", EACCES, () -> Px.rename(m(l, "f"), atRoot(l, n)));
        assertEquals(FOLDERS, get(as, () -> Px.list(MNT.get(l))));
    }

    /** ren is empty, so a native rmdir would remove it: only the rule keeps it. */
    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void rmdirOfAFolderAtTheViewRoot_EPERM(Level l, As as) throws IOException {
        Path ren = env.backing(OWNER, "ren");
        cell(l, as, "rmdir of a folder at the view root", EPERM, () -> Px.rmdir(atRoot(l, "ren")));
        assertTrue(Files.isDirectory(ren, LinkOption.NOFOLLOW_LINKS), "the folder's directory stays");
        assertEquals(FOLDERS, folderNames(USERS.get(l)));
        assertEquals(FOLDERS, get(as, () -> Px.list(MNT.get(l))));
    }

    @ParameterizedTest(name = "as {0} by {1}")
    @MethodSource("seats")
    void mvOfAFolderAtTheViewRoot_ownerOnly_EPERM_otherwise(Level l, As as) throws IOException {
        String renamed = "ren-" + caseName;
        cell(l, as, "mv of a folder at the view root", l == Level.OWNER ? 0 : EPERM, () -> Px.rename(atRoot(l, "ren"), atRoot(l, renamed)));
        if (l == Level.OWNER) {
            assertEquals(List.of("other", renamed, "tests"), folderNames(OWNER));
            assertEquals(0, call(as, () -> Px.rename(atRoot(l, renamed), atRoot(l, "ren"))), "the owner renames it back");
        }
        assertEquals(FOLDERS, folderNames(OWNER));
        for (Level x : Level.values()) {
            Mounts.eventually("every mount shows ren again", () -> call(as, () -> -Px.lstatErrno(atRoot(x, "ren"))) == 0
                    && call(as, () -> -Px.lstatErrno(atRoot(x, renamed))) == -Px.ENOENT);
        }
    }

    private static List<String> folderNames(String email) {
        return env.sharing.folders().view(email).stream().map(FolderAccess::name).sorted().toList();
    }
}
