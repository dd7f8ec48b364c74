package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static sharefs.backing.Flags.O_ACCMODE;
import static sharefs.backing.Flags.O_APPEND;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_NONBLOCK;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import sharefs.backing.Errno;
import sharefs.testing.MountDeadline;

/**
 * The kernel sends OPEN only for what it believes is a regular file. When a FIFO (or anything
 * else) has taken the name since, open and create answer ESTALE at once instead of waiting in the
 * daemon for a peer that may never come: the caller's kernel then looks the name up again and
 * opens the FIFO itself. Regular files open as before, without O_NONBLOCK left on.
 */
@Timeout(120)
class FifoSwapTest {
    static final String B = "b@x.io";
    static final Duration PROMPTLY = Duration.ofSeconds(10);
    static final int OPENAT = jnr.ffi.Platform.getNativePlatform().getCPU() == jnr.ffi.Platform.CPU.X86_64 ? 257 : 56;

    @TempDir
    static Path tmp;
    static Mounts env;
    static HandMount m;
    static Path back;
    final AtomicInteger n = new AtomicInteger();

    @BeforeAll
    static void mountB() throws IOException {
        env = new Mounts(tmp);
        env.user(B);
        env.folder(B, "tests");
        back = env.backing(B, "tests");
        // Attributes cached for a minute: the kernel keeps believing a name is a regular file.
        m = HandMount.of(env, B, "b", FsLimits.DEFAULT, 60);
    }

    @AfterAll
    static void unmount() {
        if (m != null) m.close();
        if (env != null) env.close();
    }

    private static void mkfifo(Path p) {
        assertEquals(0, Px.mknod(p, Px.S_IFIFO | 0666, 0), "mkfifo " + p);
    }

    /** Opening both ends at once never blocks and wakes every opener waiting on either end. */
    static void wakeOpeners(Path fifo) {
        int fd = Px.open(fifo, O_RDWR | O_NONBLOCK, 0);
        if (fd >= 0) Px.close(fd);
    }

    @Test
    void openAndCreate_ofAFifo_areESTALE_promptly_andTakeNoSlot() throws IOException {
        Path fifo = back.resolve("pipe");
        mkfifo(fifo);
        try {
            for (int flags : new int[] {O_RDONLY, O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC, O_RDONLY | O_NONBLOCK}) {
                assertEquals(-Errno.ESTALE, (int) assertTimeoutPreemptively(PROMPTLY,
                        () -> m.fs.open("/tests/pipe", HandMount.fileInfo(flags))), "open flags 0" + Integer.toOctalString(flags));
            }
            for (int flags : new int[] {O_CREAT | O_WRONLY, O_CREAT | O_RDWR, O_CREAT | O_RDONLY, O_CREAT | O_WRONLY | O_TRUNC}) {
                assertEquals(-Errno.ESTALE, (int) assertTimeoutPreemptively(PROMPTLY,
                        () -> m.fs.create("/tests/pipe", 0644, HandMount.fileInfo(flags))), "create flags 0" + Integer.toOctalString(flags));
            }
            noFileLeftOpen();
            assertEquals(0, ReaddirStreamingTest.fdsOn(fifo), "the daemon keeps nothing of the FIFO open");
            assertEquals(Px.S_IFIFO, Px.lstat(fifo)[0] & Px.S_IFMT, "create left the FIFO as it was");
        } finally {
            wakeOpeners(fifo);
            Files.deleteIfExists(fifo);
        }
    }

    @Test
    void openOfADirectoryUnderAFileName_isESTALE() throws IOException {
        Files.createDirectory(back.resolve("was-a-file"));
        assertEquals(-Errno.ESTALE, m.fs.open("/tests/was-a-file", HandMount.fileInfo(O_RDONLY)));
        noFileLeftOpen();
    }

    /**
     * Every handle released: one kept by mistake never would be. Waiting covers the RELEASE of
     * files earlier tests closed, which the kernel sends after their close(2) returned.
     */
    private static void noFileLeftOpen() {
        Mounts.eventually("no file left open", () -> m.fs.openFileCount() == 0);
    }

    /** The backing descriptor behind an open handle: its status flags, as fcntl(F_GETFL) reports them. */
    private static int statusFlags(FuseFileInfo fi) {
        int fl = FdSys.S.fcntl(m.fs.files.get(fi.fh.get()).fd(), FdSys.F_GETFL, 0);
        assertTrue(fl >= 0, "fcntl: errno " + FdSys.errno());
        return fl;
    }

    private static void release(String path, FuseFileInfo fi) {
        assertEquals(0, m.fs.release(path, fi));
    }

    @Test
    void regularFile_opensWithoutO_NONBLOCK_unlessAskedFor_andReadsAndWrites() throws IOException {
        Files.writeString(back.resolve("plain"), "0123456789");
        FuseFileInfo rw = HandMount.fileInfo(O_RDWR);
        assertEquals(0, m.fs.open("/tests/plain", rw));
        try {
            assertEquals(0, statusFlags(rw) & O_NONBLOCK);
            assertEquals(O_RDWR, statusFlags(rw) & O_ACCMODE);
            Pointer buf = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64);
            buf.put(0, "abc".getBytes(StandardCharsets.UTF_8), 0, 3);
            assertEquals(3, m.fs.write("/tests/plain", buf, 3, 2, rw));
            assertEquals(10, m.fs.read("/tests/plain", buf, 64, 0, rw));
            byte[] got = new byte[10];
            buf.get(0, got, 0, 10);
            assertEquals("01abc56789", new String(got, StandardCharsets.UTF_8));
        } finally {
            release("/tests/plain", rw);
        }

        FuseFileInfo append = HandMount.fileInfo(O_WRONLY | O_APPEND);
        assertEquals(0, m.fs.open("/tests/plain", append));
        try {
            assertEquals(O_APPEND, statusFlags(append) & (O_APPEND | O_NONBLOCK), "O_APPEND kept, O_NONBLOCK cleared");
        } finally {
            release("/tests/plain", append);
        }

        FuseFileInfo nb = HandMount.fileInfo(O_RDONLY | O_NONBLOCK);
        assertEquals(0, m.fs.open("/tests/plain", nb));
        try {
            assertEquals(O_NONBLOCK, statusFlags(nb) & O_NONBLOCK, "the caller asked for O_NONBLOCK");
        } finally {
            release("/tests/plain", nb);
        }

        FuseFileInfo made = HandMount.fileInfo(O_CREAT | O_RDWR);
        assertEquals(0, m.fs.create("/tests/made", 0644, made));
        try {
            assertEquals(0, statusFlags(made) & O_NONBLOCK);
            assertTrue(Files.isRegularFile(back.resolve("made")));
        } finally {
            release("/tests/made", made);
        }
        noFileLeftOpen();

        // And through the mount, as a program sees it.
        Path p = m.mnt.resolve("tests/through");
        Files.writeString(p, "written through the mount");
        assertEquals("written through the mount", Files.readString(p));
        assertEquals("written through the mount", Files.readString(back.resolve("through")));
    }

    /** Native ids of this process's threads whose name starts with prefix, and are inside openat now. */
    private static int inOpenat(String prefix) throws IOException {
        int count = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(t.resolve("comm")).startsWith(prefix)) continue;
                    String sc = Files.readString(t.resolve("syscall")).trim();
                    if (sc.startsWith(OPENAT + " ")) count++;
                } catch (IOException exited) {
                    // The thread ended while we looked.
                }
            }
        }
        return count;
    }

    @Test
    void mounted_twentyOpensOfAFifoSwappedInUnderAFileName_leaveTheMountAnswering() throws Exception {
        Path backing = back.resolve("swapped");
        Path through = m.mnt.resolve("tests/swapped");
        Files.writeString(backing, "a regular file");
        assertEquals(Px.S_IFREG, Px.lstat(through)[0] & Px.S_IFMT, "the kernel now believes it is a regular file");
        Files.delete(backing);
        mkfifo(backing);

        int callers = 20;
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread t = new Thread(r, "fifo-open-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ExecutorService side = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fifo-side");
            t.setDaemon(true);
            return t;
        });
        List<Future<Integer>> opens = new ArrayList<>();
        boolean released = false;
        try {
            for (int i = 0; i < callers; i++) {
                opens.add(pool.submit(() -> {
                    int fd = Px.open(through, O_RDONLY, 0);
                    if (fd >= 0) Px.close(fd);
                    return fd;
                }));
            }
            // Every caller is inside its open: waiting on the FIFO in its own kernel, or (before the
            // fix) on a daemon worker that waits on the backing FIFO.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inOpenat("fifo-open-") < callers) {
                if (System.nanoTime() > deadline) fail("the callers never all reached open: " + inOpenat("fifo-open-"));
                Mounts.sleep(20);
            }

            // Requests that must reach the daemon, from another thread: a listing and a new name's lookup.
            Files.writeString(back.resolve("probe"), "p");
            Future<List<String>> probe = side.submit(() -> {
                assertEquals(0, Px.lstatErrno(m.mnt.resolve("tests/probe")));
                return Px.list(m.mnt);
            });
            try {
                assertEquals(List.of("tests"), probe.get(30, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                fail("the mount stopped answering while " + callers + " opens of a FIFO were pending");
            }

            released = release(backing, through, opens, side);
            assertTrue(released, "the callers were released by a writer");
            for (Future<Integer> f : opens) {
                int rc = f.get();
                // The caller's kernel looked the name up again and opened the FIFO itself.
                assertTrue(rc >= 0, "open through the mount: " + Px.name(-rc));
            }
            noFileLeftOpen();
            assertEquals(0, ReaddirStreamingTest.fdsOn(backing), "the daemon keeps nothing of the FIFO open");
        } finally {
            if (!released && !release(backing, through, opens, side)) {
                MountDeadline.abort(m.mnt);
                release(backing, through, opens, side);
            }
            pool.shutdownNow();
            side.shutdownNow();
            Files.deleteIfExists(backing);
        }
    }

    /**
     * Wakes every opener of the FIFO until all callers are done: from the backing directory
     * (openers inside the daemon, before the fix) and through the mount (callers waiting in their
     * own kernel), the latter on a side thread since it may itself wait on a stuck daemon.
     */
    private static boolean release(Path backing, Path through, List<Future<Integer>> opens, ExecutorService side) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Future<?> writer = null;
        while (!opens.stream().allMatch(Future::isDone)) {
            if (System.nanoTime() > deadline) return false;
            wakeOpeners(backing);
            if (writer == null || writer.isDone()) {
                writer = side.submit(() -> {
                    int fd = Px.open(through, O_WRONLY | O_NONBLOCK, 0);
                    if (fd >= 0) Px.close(fd);
                });
            }
            Mounts.sleep(20);
        }
        return true;
    }
}
