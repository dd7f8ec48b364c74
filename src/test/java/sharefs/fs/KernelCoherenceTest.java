package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_APPEND;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.ENOENT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;

/**
 * Coherence between two kernel-engine mounts of one agent (one {@link MountCoherence}): the
 * owner's and an edit-delete invitee's views of one shared folder. What one mount changes, the
 * other's next call sees at once, though it cached the entry for the half-second entry timeout:
 * without the notices each of the first three tests fails (a removed or renamed name still
 * answers through the other mount's cached entry, and an open file keeps its old pages).
 * Both mounts serve every call themselves (passthrough off), so each change is one the daemon
 * sees; a third mount, the owner's with passthrough, writes where the daemon does not.
 */
class KernelCoherenceTest {
    static final String ANN = "ann@x.io", BOB = "bob@x.io";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;
    static Mounts env;
    static KernelViewMount ann, bob, annPassthrough;
    static Path a, b, aPassthrough;

    @BeforeAll
    static void mountBoth() throws IOException {
        env = new Mounts(tmp);
        env.user(ANN);
        env.user(BOB);
        env.folder(ANN, "shared");
        env.share(ANN, "shared", BOB, Permission.EDIT_DELETE);
        MountCoherence agent = new MountCoherence();
        ann = KernelViewMount.mount(env, ANN, env.mountPoint("ann"), DEADLINE, FsLimits.DEFAULT, lent(agent), Passthrough.OFF);
        bob = KernelViewMount.mount(env, BOB, env.mountPoint("bob"), DEADLINE, FsLimits.DEFAULT, lent(agent), Passthrough.OFF);
        annPassthrough = KernelViewMount.mount(env, ANN, env.mountPoint("ann-pt"), DEADLINE, FsLimits.DEFAULT, lent(agent),
                Passthrough.OWNED);
        a = ann.mountPoint.resolve("shared");
        b = bob.mountPoint.resolve("shared");
        aPassthrough = annPassthrough.mountPoint.resolve("shared");
    }

    static Lent lent(MountCoherence agent) {
        return new Lent(new DescriptorPool(Long.MAX_VALUE / 4).open(0), SpaceGuard.NONE, agent);
    }

    @AfterAll
    static void unmountBoth() {
        for (KernelViewMount m : new KernelViewMount[] {ann, bob, annPassthrough}) {
            if (m != null) m.close();
        }
        if (env != null) env.close();
    }

    static void errno(int expected, String what, int result) {
        assertEquals(Px.name(expected), Px.name(Px.errno(result)), what);
    }

    static void write(Path p, String s) {
        int fd = Px.open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
        assertTrue(fd >= 0, "create " + p + ": " + Px.name(-fd));
        assertEquals(s.length(), Px.pwrite(fd, s, 0));
        errno(0, "close", Px.close(fd));
    }

    static Object ino(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aNameUnlinkedThroughOneMount_isGoneFromTheOtherAtOnce() {
        write(a.resolve("doomed"), "x\n");
        errno(0, "the other mount stats it (and caches its entry)", -Px.lstatErrno(b.resolve("doomed")));
        errno(0, "unlink through the first", Px.unlink(a.resolve("doomed")));
        errno(ENOENT, "stat through the other right after", -Px.lstatErrno(b.resolve("doomed")));
        errno(ENOENT, "open through the other", Px.open(b.resolve("doomed"), O_RDONLY, 0));
    }

    @Test
    void aRenameThroughOneMount_showsTheNewNameAndNotTheOldInTheOtherAtOnce() throws IOException {
        write(a.resolve("before"), "moved\n");
        Object was = ino(b.resolve("before"));
        errno(0, "rename through the first", Px.rename(a.resolve("before"), a.resolve("after")));
        errno(ENOENT, "the old name through the other", -Px.lstatErrno(b.resolve("before")));
        assertEquals(was, ino(b.resolve("after")), "the new name through the other is the same file");
        assertEquals("moved\n", Files.readString(b.resolve("after")));
    }

    @Test
    void aFileHeldOpenInOneMount_readsWhatTheOtherWroteAtOnce() {
        write(a.resolve("held"), "old bytes\n");
        int rfd = Px.open(b.resolve("held"), O_RDONLY, 0);
        assertTrue(rfd >= 0, Px.name(-rfd));
        try {
            assertEquals("old bytes\n", Px.pread(rfd), "read once: the other mount's page cache holds it now");
            int wfd = Px.open(a.resolve("held"), O_RDWR, 0);
            assertTrue(wfd >= 0, Px.name(-wfd));
            assertEquals(3, Px.pwrite(wfd, "new", 0));
            errno(0, "close", Px.close(wfd));
            assertEquals("new bytes\n", Px.pread(rfd), "the open descriptor in the other mount reads the new bytes");
        } finally {
            Px.close(rfd);
        }
    }

    /**
     * A passthrough writer's bytes never reach the daemon: the other mounts hear of them at its
     * RELEASE, which the kernel sends after close returns, so the reader awaits them; without the
     * notice its pages would stay old until it reopened.
     */
    @Test
    void aFileHeldOpenInOneMount_readsWhatAPassthroughWriterWrote_onceItClosed() {
        write(a.resolve("held-pt"), "old bytes\n");
        int rfd = Px.open(b.resolve("held-pt"), O_RDONLY, 0);
        assertTrue(rfd >= 0, Px.name(-rfd));
        try {
            assertEquals("old bytes\n", Px.pread(rfd), "read once: the other mount's page cache holds it now");
            long before = annPassthrough.fs.writeRequests();
            int wfd = Px.open(aPassthrough.resolve("held-pt"), O_RDWR, 0);
            assertTrue(wfd >= 0, Px.name(-wfd));
            assertEquals(3, Px.pwrite(wfd, "new", 0));
            errno(0, "close", Px.close(wfd));
            assertEquals(before, annPassthrough.fs.writeRequests(), "the write went passthrough");
            long end = System.nanoTime() + DEADLINE.toNanos() / 4;
            while (!Px.pread(rfd).equals("new bytes\n") && System.nanoTime() < end) Thread.onSpinWait();
            assertEquals("new bytes\n", Px.pread(rfd), "the open descriptor in the other mount reads the new bytes");
        } finally {
            Px.close(rfd);
        }
    }

    /**
     * The read stays within the size the other mount's kernel knows, so only a notice drops its
     * pages. (Today's INIT asks for no ATOMIC_O_TRUNC, so the kernel sends the truncation as a
     * SETATTR; with it, the OPEN itself carries it, and is told too.)
     */
    @Test
    void aFileHeldOpenInOneMount_isEmptyAtOnceAfterTheOtherTruncatedItOnOpen() {
        write(a.resolve("emptied"), "0123456789");
        int rfd = Px.open(b.resolve("emptied"), O_RDONLY, 0);
        assertTrue(rfd >= 0, Px.name(-rfd));
        try {
            int[] err = new int[1];
            assertEquals("01234", Px.pread(rfd, 5, 0, err), "read once, within its size: in the page cache now");
            int wfd = Px.open(a.resolve("emptied"), O_WRONLY | O_TRUNC, 0);
            assertTrue(wfd >= 0, Px.name(-wfd));
            errno(0, "close", Px.close(wfd));
            assertEquals("", Px.pread(rfd, 5, 0, err), "the same read after the other mount's `>`");
        } finally {
            Px.close(rfd);
        }
    }

    @Test
    void aNameCreatedThroughOneMount_afterTheOtherFoundNothing_isThereAtOnce() {
        errno(ENOENT, "the other mount looks first", -Px.lstatErrno(b.resolve("later")));
        write(a.resolve("later"), "here\n");
        errno(0, "then it is there through the other", -Px.lstatErrno(b.resolve("later")));
        errno(0, "mkdir through the first", Px.mkdir(a.resolve("later-dir"), 0755));
        assertTrue(Files.isDirectory(b.resolve("later-dir"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * What a queue past its bound widens to, on this kernel: after INC_EPOCH (FUSE 7.44) every
     * entry the mount cached is looked up again, here one removed behind its back on the storage.
     */
    @Test
    void anEpoch_makesEveryEntryTheMountCachedStale() throws IOException {
        write(a.resolve("behind"), "x\n");
        errno(0, "cached through the other mount", -Px.lstatErrno(b.resolve("behind")));
        Files.delete(env.backing(ANN, "shared").resolve("behind"));
        assertTrue(bob.session.negotiated().kernelMinor() >= sharefs.fuse.kernel.Notifier.INC_EPOCH_MINOR,
                "this kernel speaks FUSE 7.44 or later: " + bob.session.negotiated());
        errno(0, "INC_EPOCH", bob.session.notifier().incEpoch());
        errno(ENOENT, "the removed name, looked up again", -Px.lstatErrno(b.resolve("behind")));
    }

    /** Close-to-open: each append made and closed through one mount is read in full, size included, by the other's next open. */
    @Test
    void fiftyAppendsThroughOneMount_areEachSeenInFullByTheOthersNextOpen() {
        Path log = a.resolve("log"), seen = b.resolve("log");
        write(log, "");
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            String line = "line " + i + " from ann\n";
            int fd = Px.open(log, O_WRONLY | O_APPEND, 0);
            assertTrue(fd >= 0, Px.name(-fd));
            assertEquals(line.length(), Px.pwrite(fd, line, 0));
            errno(0, "close", Px.close(fd));
            expected.append(line);
            int rfd = Px.open(seen, O_RDONLY, 0);
            assertTrue(rfd >= 0, Px.name(-rfd));
            try {
                int[] err = new int[1];
                long[] st = Px.fstat(rfd, err);
                assertEquals(0, err[0], Px.name(err[0]));
                assertEquals(expected.length(), st[3], "the size after append " + i);
                assertEquals(expected.toString(), Px.pread(rfd), "the bytes after append " + i);
            } finally {
                Px.close(rfd);
            }
        }
    }

    /**
     * Both mounts change names in one directory at the same time, each telling the other: the
     * kernel holds each directory's lock while the other's notice waits for it, and neither waits
     * for ever (the mounts' deadline would abort them).
     */
    @Test
    void bothMountsChangingOneDirectoryAtOnce_neverWaitOnEachOther() throws Exception {
        errno(0, "mkdir", Px.mkdir(a.resolve("busy"), 0755));
        errno(0, "mkdir", Px.mkdir(a.resolve("busy2"), 0755));
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<?> fa = two.submit(() -> churn(a, "a"));
            Future<?> fb = two.submit(() -> churn(b, "b"));
            fa.get();
            fb.get();
        } finally {
            two.shutdownNow();
        }
        for (String d : new String[] {"busy", "busy2"}) {
            assertEquals(java.util.List.of(), Px.list(b.resolve(d)), d);
            assertEquals(java.util.List.of(), Px.list(a.resolve(d)), d);
        }
    }

    /** Creates, renames into the other directory (both directories' locks), writes and removes, 300 times. */
    private static void churn(Path folder, String who) {
        for (int i = 0; i < 300; i++) {
            Path f = folder.resolve("busy").resolve(who + i), g = folder.resolve("busy2").resolve(who + i);
            write(f, who);
            errno(0, "rename " + f, Px.rename(f, g));
            int fd = Px.open(g, O_WRONLY | O_APPEND, 0);
            assertTrue(fd >= 0, Px.name(-fd));
            assertEquals(1, Px.pwrite(fd, "!", 0));
            errno(0, "close", Px.close(fd));
            errno(0, "unlink " + g, Px.unlink(g));
        }
    }
}
