package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.EACCES;
import static sharefs.fs.Px.EROFS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.access.GrantSource;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.SharingGrantSource;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;
import sharefs.sharing.Sharing;
import sharefs.store.Database;

/**
 * When the database cannot be read, a live mount keeps serving exactly its last snapshot: a
 * change made meanwhile (a widening as much as a kick-out) does not reach it, and nothing is
 * ever opened up. Each test's negative check waits a fixed grace of {@link #GRACE_MS}, longer
 * than the one-second promise, after showing that a healthy mount picked the same change up.
 */
class FailClosedTest {
    static final String A = "a@x.io", B = "b@x.io";
    static final long GRACE_MS = 1500;

    @TempDir
    Path tmp;
    Mounts env;
    Path roBack;
    Path rwBack;
    final AtomicInteger n = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        env = new Mounts(tmp);
        env.user(A);
        env.user(B);
        env.folder(A, "ro");
        env.folder(A, "rw");
        env.folder(B, "mine");
        env.share(A, "ro", B, Permission.VIEW);
        env.share(A, "rw", B, Permission.EDIT);
        roBack = env.backing(A, "ro");
        rwBack = env.backing(A, "rw");
        Files.writeString(roBack.resolve("f"), "ro file");
        Files.writeString(rwBack.resolve("f"), "rw file");
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private int create(Path p) {
        int fd = Px.open(p.resolveSibling(p.getFileName() + "-" + n.incrementAndGet()), O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd >= 0) Px.close(fd);
        return Px.errno(fd);
    }

    /** Exactly the snapshot taken when the database was last readable: b's original view. */
    private void assertOriginalSnapshot(Path mnt) throws IOException {
        assertEquals(List.of("mine", "ro", "rw"), Px.list(mnt));
        assertEquals(Px.name(EROFS), Px.name(create(mnt.resolve("ro/new"))), "ro stays view");
        assertEquals(Px.name(EROFS), Px.name(Px.errno(Px.unlink(mnt.resolve("ro/f")))));
        assertEquals(0, Px.lstat(mnt.resolve("ro/f"))[0] & 0222, "ro shows no write bits");
        assertEquals("ok", Px.name(create(mnt.resolve("rw/new"))), "rw stays edit");
        assertEquals(Px.name(EACCES), Px.name(Px.errno(Px.unlink(mnt.resolve("rw/f")))), "rw stays edit, not edit-delete");
        assertTrue(Files.exists(roBack.resolve("f")));
        assertTrue(Files.exists(rwBack.resolve("f")));
        try (var s = Files.list(roBack)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(x -> x.startsWith("new")), "created in ro through the failing mount: " + names);
        }
    }

    @Test
    void databaseClosedUnderTheMount_lastSnapshotServed_neverWidened() throws IOException {
        Path mnt = env.mountPoint("b");
        env.mount(B, mnt);
        assertOriginalSnapshot(mnt);

        // The mount's own database goes away for good.
        env.sharing.db().close();

        // Changes made through another connection: a widening (ro -> edit-delete) and a kick-out (rw).
        try (Database other = Database.open(env.home)) {
            Sharing s = new Sharing(other, env.home);
            s.shares().set(A, "ro", B, Permission.EDIT_DELETE);
            s.shares().revoke(A, "rw", B);
            // A healthy mount of the same view sees both changes ...
            Path control = env.mountPoint("control");
            ViewMount c = ViewMount.mount(s, new MountRequest(B, control, Mounts.UID, Mounts.GID, null, List.of(), 0.5));
            try {
                assertEquals(List.of("mine", "ro"), Px.list(control));
                assertEquals("ok", Px.name(create(control.resolve("ro/by-control"))));
            } finally {
                c.close();
            }
            // ... the one whose database is gone keeps exactly what it had, however long we wait.
            Mounts.sleep(GRACE_MS);
            assertOriginalSnapshot(mnt);
            Mounts.sleep(300);
            assertOriginalSnapshot(mnt);
        }
    }

    /** A GrantSource over the real database that can be made to fail in either of its two reads. */
    static final class Flaky implements GrantSource {
        final GrantSource inner;
        volatile boolean counterFails;
        volatile boolean foldersFail;
        final AtomicInteger failures = new AtomicInteger();

        Flaky(GrantSource inner) {
            this.inner = inner;
        }

        @Override
        public long changeCounter() {
            if (counterFails) {
                failures.incrementAndGet();
                throw new IllegalStateException("database unreachable (test)");
            }
            return inner.changeCounter();
        }

        @Override
        public List<FolderAccess> folders() {
            if (foldersFail) {
                failures.incrementAndGet();
                throw new IllegalStateException("database unreachable mid-reload (test)");
            }
            return inner.folders();
        }
    }

    @Test
    void flakyGrantSource_keepsLastSnapshot_thenCatchesUpWhenItReturns() throws Exception {
        Flaky source = new Flaky(new SharingGrantSource(env.sharing, env.sharing.users().get(B).id()));
        LiveView view = new LiveView(source, MountScope.ALL, env.home::folderDir);
        view.load();
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ScheduledExecutorService poll = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (HandMount m = HandMount.of(env, view, "flaky", FsLimits.DEFAULT, 0.5)) {
            Path mnt = m.mnt;
            // What the node agent does when changes are announced, here on a timer: reload, keep the
            // last snapshot when that fails.
            poll.scheduleWithFixedDelay(() -> healthy.set(view.reload()), 100, 100, TimeUnit.MILLISECONDS);
            assertOriginalSnapshot(mnt);

            // 1. The change counter cannot be read: a widening made meanwhile does not arrive.
            source.counterFails = true;
            env.sharing.shares().set(A, "ro", B, Permission.EDIT_DELETE);
            Mounts.eventually("a reload hits the failure", () -> source.failures.get() > 2);
            Mounts.sleep(GRACE_MS);
            assertFalse(healthy.get());
            assertOriginalSnapshot(mnt);

            // 2. The counter reads (and has moved) but the folder list fails mid-reload: still the old snapshot.
            int before = source.failures.get();
            source.foldersFail = true;
            source.counterFails = false;
            Mounts.eventually("the reload fails", () -> source.failures.get() > before + 2);
            Mounts.sleep(GRACE_MS);
            assertOriginalSnapshot(mnt);

            // 3. A kick-out while failing is not applied either: the last snapshot, exactly.
            source.counterFails = true;
            env.sharing.shares().revoke(A, "rw", B);
            Mounts.sleep(GRACE_MS);
            assertOriginalSnapshot(mnt);

            // 4. The database returns: the view catches up with both changes.
            source.counterFails = false;
            source.foldersFail = false;
            Mounts.eventually("the view catches up", () -> healthy.get() && Px.list(mnt).equals(List.of("mine", "ro"))
                    && create(mnt.resolve("ro/after")) == 0);
            assertEquals(Px.ENOENT, Px.lstatErrno(mnt.resolve("rw")));
        } finally {
            poll.shutdownNow();
        }
    }

    @Test
    void databaseGoneAtMountTime_mountRefused() throws IOException {
        Path mnt = env.mountPoint("b");
        env.sharing.db().close();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> env.mount(B, mnt));
        assertFalse(MountTable.find(mnt).isPresent(), "mounted without a view: " + e);
        Map<String, String> empty = Snap.of(mnt);
        assertEquals(1, empty.size(), "the mountpoint was left untouched");
    }
}
