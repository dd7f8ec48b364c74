package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.EACCES;
import static sharefs.fs.Px.ENOENT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fuse.kernel.RequestCounts;
import sharefs.sharing.Permission;

/**
 * What the kernel engine costs in requests, counted by the daemon on a real mount, as uid 1000:
 * the create/write/close that `tar -x` does per file, in an owned folder and in an edit-delete
 * share, and a missing name asked twice. Each figure is the request budget the engine promises
 * (a FLUSH at most once per connection; no negative entries), so a change that adds a request
 * per file, or caches what the rules say must be asked, fails here.
 */
class KernelRequestBudgetTest {
    static final String OWNER = "o@x.io", USER = "u@x.io";
    static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Requests the kernel sends when it likes (memory pressure, the pruner): never part of a budget. */
    static final List<String> UNASKED = List.of("FORGET", "BATCH_FORGET", "INTERRUPT");

    @TempDir
    static Path tmp;
    static Mounts env;
    static KernelViewMount mount;
    static CallerThread session;

    @BeforeAll
    static void mountIt() throws IOException {
        env = new Mounts(tmp);
        env.user(OWNER);
        env.user(USER);
        env.folder(OWNER, "team");
        env.share(OWNER, "team", USER, Permission.EDIT_DELETE);
        env.folder(USER, "mine");
        mount = KernelViewMount.mount(env, USER, env.mountPoint("u"), DEADLINE);
        session = CallerThread.session(Mounts.UID, Mounts.GID, mount::abort);
        // The first close of the connection is the one that asks FLUSH (and learns ENOSYS).
        assertEquals(0, session.call(() -> createWriteClose(mount.mountPoint.resolve("mine").resolve("warm-up"))));
        awaitThat("the warm-up's RELEASE", () -> counts().of("RELEASE") >= 1);
    }

    @AfterAll
    static void unmount() {
        if (session != null) session.close();
        if (mount != null) mount.close();
        if (env != null) env.close();
    }

    static RequestCounts counts() {
        return mount.session.requestCounts();
    }

    /** open(O_CREAT|O_EXCL|O_WRONLY), one 10 KiB write, close: tar's per-file calls without the times. */
    static int createWriteClose(Path p) {
        int fd = Px.open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) return fd;
        int n = Px.pwrite(fd, "x".repeat(10240), 0);
        int rc = Px.close(fd);
        return n < 0 ? n : rc;
    }

    static void awaitThat(String what, BooleanSupplier cond) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError(what + " did not happen within 20 s: " + counts().snapshot());
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** The requests of each opcode since before, apart from those the kernel sends unasked. */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> d = new HashMap<>();
        counts().snapshot().forEach((op, n) -> {
            long delta = n - before.getOrDefault(op, 0L);
            if (delta != 0 && !UNASKED.contains(op)) d.put(op, delta);
        });
        return d;
    }

    @Test
    void aNewFile_costsLookupCreateGetxattrWriteRelease_andNoFlush_inAnOwnedFolderAndAShare() {
        // The owned folder is served passthrough (the test mount has no storage reserve): its write
        // never comes to the daemon; the share's does.
        Map<String, Map<String, Long>> expected = Map.of(
                "mine", Map.of("LOOKUP", 1L, "CREATE", 1L, "GETXATTR", 1L, "RELEASE", 1L),
                "team", Map.of("LOOKUP", 1L, "CREATE", 1L, "GETXATTR", 1L, "WRITE", 1L, "RELEASE", 1L));
        for (String folder : List.of("mine", "team")) {
            Path dir = mount.mountPoint.resolve(folder);
            assertEquals(0, session.call(() -> Px.lstatErrno(dir)), folder);
            Map<String, Long> before = counts().snapshot();
            assertEquals(0, session.call(() -> createWriteClose(dir.resolve("new-" + folder))), folder);
            awaitThat("the RELEASE of new-" + folder, () -> since(before).getOrDefault("RELEASE", 0L) == 1);
            // LOOKUP: the kernel asks for an uncached name before CREATE (O_EXCL always asks afresh).
            // GETXATTR security.capability: the first write to a new inode (file_remove_privs); with
            // HANDLE_KILLPRIV_V2 the inode then keeps S_NOSEC, so later writes do not ask again.
            assertEquals(expected.get(folder), since(before), folder);
        }
    }

    @Test
    void flushIsAskedOncePerConnection_andEveryCloseStillSucceeds() {
        Path dir = mount.mountPoint.resolve("team");
        for (int i = 0; i < 5; i++) {
            int k = i;
            assertEquals(0, session.call(() -> createWriteClose(dir.resolve("f" + k))));
        }
        assertEquals(1, counts().of("FLUSH"), "FLUSH answered ENOSYS once; the kernel sends no more: " + counts().snapshot());
    }

    @Test
    void aMissingName_isAskedEveryTime_soAStrangerIsRefusedRatherThanToldItIsMissing() {
        Path missing = mount.mountPoint.resolve("team").resolve("no-such-name");
        long before = counts().of("LOOKUP");
        assertEquals(-ENOENT, session.call(() -> -Px.lstatErrno(missing)));
        assertEquals(-ENOENT, session.call(() -> -Px.lstatErrno(missing)));
        assertEquals(before + 2, counts().of("LOOKUP"), "no negative entry is cached");
        try (CallerThread stranger = CallerThread.session(1001, 1001, mount::abort)) {
            assertEquals(-EACCES, stranger.call(() -> -Px.lstatErrno(missing)));
        }
        assertEquals(before + 3, counts().of("LOOKUP"), "the stranger's lookup reached the daemon");
    }
}
