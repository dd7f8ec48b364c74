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
import java.util.List;
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

    @Test
    void mountpointThatIsASymlinkOrGoesThroughOne_refused() throws IOException {
        Path real = env.mountPoint("real");
        Path link = Files.createSymbolicLink(real.resolveSibling("link"), real);
        MountException e = assertThrows(MountException.class, () -> env.mount(B, link));
        assertEquals("mountpoint " + link + " goes through the symlink " + link + ", which is refused: give the real path",
                e.getMessage());
        Path sub = Files.createDirectories(real.resolve("sub"));
        Path viaLink = link.resolve("sub");
        e = assertThrows(MountException.class, () -> env.mount(B, viaLink));
        assertTrue(e.getMessage().contains("goes through the symlink " + link), e.getMessage());
        assertFalse(MountTable.find(real).isPresent(), "nothing mounted over the link's target");
        assertFalse(MountTable.find(sub).isPresent());
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
}
