package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;

/**
 * Mounting and unmounting: clear refusals for a bad mountpoint, recovery of a mountpoint whose
 * daemon was killed, and several mounts of different users over one database at once.
 */
class LifecycleTest {
    static final String A = "a@x.io", B = "b@x.io";

    @TempDir
    static Path tmp;
    static Mounts env;

    @BeforeAll
    static void install() throws IOException {
        env = new Mounts(tmp);
        env.user(A);
        env.user(B);
        env.folder(A, "shared");
        env.folder(B, "bees");
        env.share(A, "shared", B, Permission.EDIT);
        Files.writeString(env.backing(A, "shared").resolve("f"), "from a");
    }

    @AfterAll
    static void uninstall() {
        if (env != null) env.close();
    }

    @Test
    void nonEmptyMountpoint_refused() throws IOException {
        Path mp = env.mountPoint("nonempty");
        Files.writeString(mp.resolve("precious"), "keep me");
        MountException e = assertThrows(MountException.class, () -> env.mount(B, mp));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains(mp.toString()), e.getMessage());
        assertFalse(MountTable.find(mp).isPresent());
        assertEquals("keep me", Files.readString(mp.resolve("precious")));
    }

    @Test
    void missingMountpoint_refused() {
        Path mp = tmp.resolve("mnt/does-not-exist");
        MountException e = assertThrows(MountException.class, () -> env.mount(B, mp));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(mp.toString()), e.getMessage());
        assertFalse(Files.exists(mp), "the missing mountpoint was created");
    }

    @Test
    void mountpointThatIsAFile_refused() throws IOException {
        Path mp = Files.writeString(env.mountPoint("x").resolve("file"), "");
        MountException e = assertThrows(MountException.class, () -> env.mount(B, mp));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void alreadyMounted_refused_firstMountUnharmed() throws IOException {
        Path mp = env.mountPoint("busy");
        ViewMount m = env.mount(B, mp);
        MountException e = assertThrows(MountException.class, () -> env.mount(A, mp));
        assertTrue(e.getMessage().contains("already mounted"), e.getMessage());
        assertThrows(MountException.class, () -> env.mount(B, mp));
        assertTrue(m.isMounted());
        assertEquals(List.of("bees", "shared"), Px.list(mp), "the first mount still serves b's view");
        m.close();
        assertFalse(MountTable.find(mp).isPresent(), "close() unmounted");
        assertEquals(List.of(), Px.list(mp));
    }

    @Test
    void twoUsersMountedAtOnceOverOneDatabase_bothWork() throws IOException {
        Path ma = env.mountPoint("two-a");
        Path mb = env.mountPoint("two-b");
        try (ViewMount a = env.mount(A, ma); ViewMount b = env.mount(B, mb)) {
            assertEquals(List.of("shared"), Px.list(ma));
            assertEquals(List.of("bees", "shared"), Px.list(mb));
            int fd = Px.open(ma.resolve("shared/by-a"), O_CREAT | O_EXCL | O_WRONLY, 0644);
            assertTrue(fd >= 0, Px.name(-fd));
            assertEquals(5, Px.pwrite(fd, "hi-a!", 0));
            Px.close(fd);
            fd = Px.open(mb.resolve("bees/by-b"), O_CREAT | O_EXCL | O_WRONLY, 0644);
            assertTrue(fd >= 0, Px.name(-fd));
            Px.close(fd);
            Mounts.eventually("b sees a's new file", () -> Px.lstatErrno(mb.resolve("shared/by-a")) == 0);
            int rfd = Px.open(mb.resolve("shared/by-a"), O_RDONLY, 0);
            assertEquals("hi-a!", Px.pread(rfd));
            Px.close(rfd);
            // Each mount enforces its own user's rights: b (edit) may not delete, a (owner) may.
            assertEquals(Px.name(Px.EACCES), Px.name(Px.errno(Px.unlink(mb.resolve("shared/by-a")))));
            assertEquals(Px.ENOENT, Px.lstatErrno(ma.resolve("bees")), "a sees b's own folder");
            assertEquals("ok", Px.name(Px.errno(Px.unlink(ma.resolve("shared/by-a")))));
        }
        assertFalse(MountTable.find(ma).isPresent());
        assertFalse(MountTable.find(mb).isPresent());
    }

    // --- the CLI daemon ---------------------------------------------------------------------------

    private static Mounts.Result cli(String... args) {
        return Mounts.run(cliArgv(args), Duration.ofSeconds(60));
    }

    /**
     * The CLI in a JVM of its own, on this test's class path: `mount` starts its daemon from the
     * same class path, so these tests need no packaged jar (mvn runs them before it builds one).
     */
    private static List<String> cliArgv(String... args) {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "sharefs.cli.Main", "--home", env.home.dir().toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    @Test
    void cliMountOnABusyMountpoint_oneClearLine_nonZero() throws IOException {
        Path mp = env.mountPoint("cli-busy");
        try (ViewMount m = env.mount(B, mp)) {
            Mounts.Result r = cli("mount", "--user", B, mp.toString(), "--uid", "1000", "--gid", "1000");
            assertNotEquals(0, r.exit(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r.err());
            assertTrue(r.err().contains("already mounted"), r.err());
            assertEquals(List.of("bees", "shared"), Px.list(mp));
        }
    }

    @Test
    void cliMountRelaysTheReasonOfItsOwnDaemonOnly() throws IOException {
        Path mp = env.mountPoint("cli-fails");
        Mounts.Result unknown = cli("mount", "--user", "nobody@x.io", mp.toString());
        assertEquals(1, unknown.exit(), unknown.toString());
        assertEquals("sharefs: mount failed: no such user: nobody@x.io", unknown.err().strip());
        // Same mountpoint, so the same log file: a daemon whose JVM cannot even start must not be
        // reported with the previous daemon's reason.
        Mounts.Result noJvm = Mounts.run(cliArgv("mount", "--user", B, mp.toString()), Duration.ofSeconds(60), java.util.Map.of("SHAREFS_DAEMON_JAVA_OPTS", "-XX:+NoSuchOptionSharefs"));
        assertEquals(1, noJvm.exit(), noJvm.toString());
        assertEquals(1, noJvm.err().strip().lines().count(), "one line: " + noJvm.err());
        assertTrue(noJvm.err().startsWith("sharefs: mount failed: "), noJvm.err());
        assertFalse(noJvm.err().contains("nobody@x.io"), noJvm.err());
        assertFalse(MountTable.find(mp).isPresent(), "nothing mounted");
    }

    @Test
    void mountWidensItsReadaheadToOneMebibyte() throws IOException {
        Path mp = env.mountPoint("readahead");
        try (ViewMount m = env.mount(B, mp)) {
            long dev = ((Number) Files.getAttribute(mp, "unix:dev")).longValue();
            Path knob = Path.of("/sys/class/bdi", Readahead.major(dev) + ":" + Readahead.minor(dev), "read_ahead_kb");
            assertEquals(String.valueOf(Readahead.KIB), Files.readString(knob).strip(), knob.toString());
        }
    }

    @Test
    void daemonKilled_newMountOnTheSamePathRecoversByItself() throws Exception {
        Path mp = env.mountPoint("killed");
        env.track(mp);
        Mounts.Result r = cli("mount", "--user", B, mp.toString(), "--uid", "1000", "--gid", "1000");
        assertEquals(0, r.exit(), r.toString());
        Matcher pidInOutput = Pattern.compile("pid (\\d+)").matcher(r.out());
        assertTrue(pidInOutput.find(), "mount names its daemon's pid: " + r.out());
        long printed = Long.parseLong(pidInOutput.group(1));
        assertEquals(List.of("bees", "shared"), Px.list(mp));

        // The daemon is the java process whose command line names this mountpoint with --foreground.
        Mounts.Result pg = Mounts.run(List.of("pgrep", "-f", "--", "sharefs.cli.MountDaemon .*--foreground.* " + mp), Duration.ofSeconds(10));
        List<Long> pids = pg.out().lines().map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        assertEquals(List.of(printed), pids, "pgrep -f finds exactly the daemon: " + pg);
        assertEquals(0, Mounts.run(List.of("kill", "-9", String.valueOf(printed)), Duration.ofSeconds(10)).exit());
        Optional<ProcessHandle> h = ProcessHandle.of(printed);
        Mounts.eventually("the daemon is gone", () -> h.map(p -> !p.isAlive()).orElse(true));
        // What is left is a dead mount (ENOTCONN) or, if fusermount's auto_unmount got there first, nothing.

        ViewMount again = env.mount(B, mp);
        assertTrue(again.isMounted());
        assertEquals(List.of("bees", "shared"), Px.list(mp));
        int fd = Px.open(mp.resolve("shared/f"), O_RDONLY, 0);
        assertTrue(fd >= 0, Px.name(-fd));
        assertEquals("from a", Px.pread(fd));
        Px.close(fd);
        assertEquals(1, Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(mp.toString())).count(), "exactly one mount on the path");
        again.close();
        assertFalse(MountTable.find(mp).isPresent());
    }

    @Test
    void cliMountThenUmount() throws IOException {
        Path mp = env.mountPoint("cli-umount");
        env.track(mp);
        Mounts.Result r = cli("mount", "--user", A, mp.toString(), "--uid", "1000", "--gid", "1000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("shared"), Px.list(mp));
        Mounts.Result u = cli("umount", mp.toString());
        assertEquals(0, u.exit(), u.toString());
        assertFalse(MountTable.find(mp).isPresent());
        // The mountpoint is at once usable again.
        try (ViewMount m = env.mount(A, mp)) {
            assertEquals(List.of("shared"), Px.list(mp));
        }
    }
}
