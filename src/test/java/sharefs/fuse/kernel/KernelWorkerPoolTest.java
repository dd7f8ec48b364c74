package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;

/**
 * The worker pool of a session on a real mount: one worker once idle, more only while requests
 * wait on busy ones, never more than the maximum (a request beyond it waits for a worker rather
 * than a thread), back to one when the load is gone, and a spare one kept while the others are
 * busy; and a buffer handed back is no longer resident.
 */
class KernelWorkerPoolTest {
    static final Duration IDLE = Duration.ofMillis(200);

    @TempDir
    Path tmp;

    static void await(String what, BooleanSupplier cond) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError(what + " did not happen within 30 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void oneWorkerWhenIdle_growingUnderLoadUpToTheMaximum_andBackToOne() throws Exception {
        HeldReads fs = new HeldReads(Integer.MAX_VALUE, false);
        Semaphore inside = fs.inside;
        CountDownLatch release = fs.release;
        for (int i = 0; i < 4; i++) fs.file("h" + i, ("data" + i).getBytes()).directIo = true;
        Path mp = Files.createDirectory(tmp.resolve("p"));
        Session s = Session.mount(mp, fs, SessionConfig.defaults().withWorkers(3).withIdleTimeout(IDLE));
        List<Process> cats = new ArrayList<>();
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(90), "session " + s.connection(), s::abort)) {
            await("one worker once the mount is idle", () -> s.workers() == 1);
            for (int i = 0; i < 4; i++) {
                cats.add(new ProcessBuilder("cat", mp.resolve("h" + i).toString()).redirectErrorStream(true).start());
            }
            // Three reads hold the three workers; the fourth waits for one of them.
            assertTrue(inside.tryAcquire(3, 30, TimeUnit.SECONDS), "three reads reached the handler");
            assertEquals(3, s.workers(), "the pool grew to its maximum and no further");
            release.countDown();
            for (int i = 0; i < 4; i++) {
                Process c = cats.get(i);
                assertTrue(c.waitFor(30, TimeUnit.SECONDS), "cat " + i + " returned");
                assertEquals("data" + i, new String(c.getInputStream().readAllBytes()));
            }
            await("back to one worker once the load is gone", () -> s.workers() == 1);
            assertEquals(1, s.threads().size());
            assertEquals("data0", Files.readString(mp.resolve("h0")), "the one worker left serves on");
            s.close();
            assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "workers ended");
        } finally {
            release.countDown();
            cats.forEach(Process::destroyForcibly);
            s.close();
        }
    }

    @Test
    void aSpareWorkerStaysWhileTheOthersAreBusy_soASlowRequestHoldsUpNothingElse() throws Exception {
        HeldReads fs = new HeldReads(1, false);
        CountDownLatch release = fs.release;
        fs.file("slow", "slow".getBytes()).directIo = true;
        fs.file("quick", "quick".getBytes()).directIo = true;
        Path mp = Files.createDirectory(tmp.resolve("s"));
        Session s = Session.mount(mp, fs, SessionConfig.defaults().withWorkers(3).withIdleTimeout(IDLE));
        Process cat = null;
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(90), "session " + s.connection(), s::abort)) {
            await("one worker once the mount is idle", () -> s.workers() == 1);
            cat = new ProcessBuilder("cat", mp.resolve("slow").toString()).redirectErrorStream(true).start();
            assertTrue(fs.inside.tryAcquire(30, TimeUnit.SECONDS), "the slow read reached the handler");
            long waits = s.idleWaits();
            // The spare worker's waits run out again and again; it must stay, the only one reading.
            await("three idle waits of the spare worker", () -> s.idleWaits() >= waits + 3);
            assertEquals(2, s.workers());
            assertEquals("quick", Files.readString(mp.resolve("quick")), "served while the slow read still holds a worker");
            release.countDown();
            assertTrue(cat.waitFor(30, TimeUnit.SECONDS));
            assertEquals("slow", new String(cat.getInputStream().readAllBytes()));
            s.close();
            assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "workers ended");
        } finally {
            release.countDown();
            if (cat != null) cat.destroyForcibly();
            s.close();
        }
    }

    /**
     * Each worker waits in an epoll instance of its own holding the device exclusively, so a
     * request wakes one idle worker as it would wake one blocking reader (poll(2) woke them all
     * and the rest read EAGAIN); an unmounted device reads as ready at once (its read says why).
     */
    @Test
    void aWorkerWaitsExclusively() {
        try (FuseDevice d = FuseDevice.open(); DeviceWaiter w = DeviceWaiter.on(d)) {
            assertTrue(w.exclusive(), "epoll with EPOLLEXCLUSIVE on /dev/fuse");
            assertEquals(1, w.await(10_000), "a device with no connection is ready (its read fails)");
        }
    }

    /** Resident KiB of the mapping that holds address (from /proc/self/smaps). */
    static long residentKib(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] r = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(r[0], 16) <= address && address < Long.parseUnsignedLong(r[1], 16);
            } else if (inside && line.startsWith("Rss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }

    @Test
    void aBufferIsResidentOnlyOnceTouched_andNotAfterItsPagesAreHandedBack() throws IOException {
        int size = 256 * 4096 + 4096;
        try (NativeBuffer b = NativeBuffer.allocate(size)) {
            long before = residentKib(b.address());
            for (int i = 0; i < size; i += 4096) b.view().put(i, (byte) 1);
            long touched = residentKib(b.address());
            assertTrue(touched - before >= 1024, "touching every page makes them resident: " + before + " -> " + touched + " KiB");
            assertEquals(0, b.dropPages());
            long dropped = residentKib(b.address());
            assertTrue(touched - dropped >= 1024, "handed back: " + touched + " -> " + dropped + " KiB");
            assertEquals(0, b.view().get(4096), "a page handed back reads as zeros");
        }
    }
}
