package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;

/**
 * A session's ends and its notifications, each on a mount of its own: unmount ends the worker
 * threads, abort() ends a request the handler never answers, and INVAL_ENTRY / INVAL_INODE make
 * the kernel drop what it cached for a long timeout.
 */
class KernelLifecycleTest {
    @TempDir
    Path tmp;

    /** How the sessions run (a subclass runs the same cases another way). */
    SessionConfig config() {
        return SessionConfig.defaults().withWorkers(3);
    }

    Session mount(String name, MemoryFs fs) throws IOException {
        return Session.mount(Files.createDirectory(tmp.resolve(name)), fs, config());
    }

    @Test
    void unmountEndsTheLoopThreads() throws Exception {
        MemoryFs fs = new MemoryFs();
        fs.file("f", "x".getBytes());
        Session s = mount("u", fs);
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(60), "session " + s.connection(), s::abort)) {
            assertEquals("x", Files.readString(tmp.resolve("u/f")));
            List<Thread> workers = s.threads();
            assertTrue(workers.size() >= 1 && workers.size() <= 3, "between one and the maximum of three: " + workers);
            assertTrue(workers.stream().allMatch(Thread::isAlive));
            s.close();
            assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "workers ended");
            assertEquals(List.of(), s.threads());
            assertEquals(0, s.workers());
            for (Thread t : workers) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName());
            }
            assertFalse(Sh.mounted(tmp.resolve("u")));
            assertFalse(Files.exists(tmp.resolve("u/f")));
            assertEquals(-Errors.ENODEV, s.notifier().invalEntry(1, "f".getBytes()), "no notification after the end");
        } finally {
            s.close();
        }
    }

    @Test
    void abortEndsAHungRequest() throws Exception {
        hungRequestEndsBy("a", Session::abort);
    }

    @Test
    void abortWorksWhereFusectlIsNotMounted() throws Exception {
        hungRequestEndsBy("p", s -> FuseControl.abortThroughPrivateMount(s.connection()));
        try (java.util.stream.Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("sharefs-fusectl")), "the private fusectl directory was removed");
        }
    }

    private void hungRequestEndsBy(String name, java.util.function.ToIntFunction<Session> abort) throws Exception {
        HeldReads fs = new HeldReads(Integer.MAX_VALUE, true);
        CountDownLatch release = fs.release;
        fs.file("hang", "never".getBytes()).directIo = true;
        Session s = mount(name, fs);
        Process cat = new ProcessBuilder("cat", tmp.resolve(name + "/hang").toString()).redirectErrorStream(true).start();
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(60), "session " + s.connection(), s::abort)) {
            assertTrue(fs.inside.tryAcquire(30, TimeUnit.SECONDS), "the read reached the handler");
            assertFalse(cat.waitFor(200, TimeUnit.MILLISECONDS), "cat waits for the answer");
            assertEquals(0, abort.applyAsInt(s));
            assertTrue(cat.waitFor(30, TimeUnit.SECONDS), "cat returned once aborted");
            assertEquals(1, cat.exitValue());
            String out = new String(cat.getInputStream().readAllBytes());
            assertTrue(out.contains("Transport endpoint is not connected"), out);
            release.countDown();
            assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "workers ended after the abort");
            s.close();
            assertFalse(Sh.mounted(tmp.resolve(name)));
        } finally {
            release.countDown();
            cat.destroyForcibly();
            s.close();
        }
    }

    /** Long timeouts: only a notification makes the kernel see a change made behind its back. */
    static final class CachingFs extends MemoryFs {
        @Override
        public synchronized int lookup(Request r, long parent, byte[] name, EntryOut out) {
            int rc = super.lookup(r, parent, name, out);
            out.entryTimeoutNanos = out.attrTimeoutNanos = TimeUnit.HOURS.toNanos(1);
            return rc;
        }

        @Override
        public synchronized int getattr(Request r, long node, long fh, AttrOut out) {
            int rc = super.getattr(r, node, fh, out);
            out.attrTimeoutNanos = TimeUnit.HOURS.toNanos(1);
            return rc;
        }
    }

    @Test
    void notificationsDropWhatTheKernelCached() throws Exception {
        CachingFs fs = new CachingFs();
        MemoryFs.Node grow = fs.file("grow", "12".getBytes());
        fs.file("gone", "x".getBytes());
        Session s = mount("n", fs);
        Path mp = tmp.resolve("n");
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(60), "session " + s.connection(), s::abort)) {
            assertEquals(2, Files.size(mp.resolve("grow")));
            assertTrue(Files.exists(mp.resolve("gone")));
            synchronized (fs) {
                grow.data = "12345".getBytes();
                fs.nodes.get(1L).children.remove(new MemoryFs.Key("gone".getBytes()));
            }
            assertEquals(2, Files.size(mp.resolve("grow")), "attributes cached for an hour");
            assertTrue(Files.exists(mp.resolve("gone"), LinkOption.NOFOLLOW_LINKS), "entry cached for an hour");

            assertEquals(0, s.notifier().invalInode(grow.id, -1, 0));
            assertEquals(5, Files.size(mp.resolve("grow")));
            assertEquals(0, s.notifier().invalEntry(1, "gone".getBytes()));
            assertFalse(Files.exists(mp.resolve("gone"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(-Errors.ENOENT, s.notifier().invalEntry(1, "never-looked-up".getBytes()), "nothing cached: ENOENT");
        } finally {
            s.close();
        }
        assertFalse(Sh.mounted(mp));
    }
}
