package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;

/**
 * The kernel-protocol engine on a real mount (root): an in-memory tree served through
 * /dev/fuse and used with ordinary tools. Every test runs under a deadline that aborts the
 * connection.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class KernelSessionTest {
    static final int BIG = 3 << 20;

    Path mp;
    TestFs fs;
    Session session;
    MountDeadline deadline;

    /** MemoryFs with the files that misbehave on purpose. */
    static final class TestFs extends MemoryFs {
        long slow, boom;
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final AtomicBoolean slowInterrupted = new AtomicBoolean();

        @Override
        public int read(Request r, long node, long fh, long offset, int size, ByteBuffer into) {
            if (node == boom) throw new IllegalStateException("a handler bug, on purpose");
            if (node == slow) {
                slowEntered.countDown();
                if (r.awaitInterrupt(TimeUnit.SECONDS.toNanos(30))) {
                    slowInterrupted.set(true);
                    return -Errors.EINTR;
                }
                return -Errors.EIO;
            }
            return super.read(r, node, fh, offset, size, into);
        }
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + (i >>> 12));
        return b;
    }

    /** How the session runs (a subclass serves the same cases another way). */
    SessionConfig config() {
        return SessionConfig.defaults();
    }

    @BeforeAll
    void mount(@TempDir Path tmp) throws IOException {
        SessionConfig config = config();
        mp = Files.createDirectory(tmp.resolve("mnt"));
        fs = new TestFs();
        fs.file("hello.txt", "hello\n".getBytes());
        fs.file("dir/sub/deep.txt", "deep\n".getBytes());
        fs.file("big.bin", pattern(BIG)).directIo = true;
        fs.symlink("link", "hello.txt");
        MemoryFs.Node slow = fs.file("slow", "never read".getBytes());
        slow.directIo = true;
        fs.slow = slow.id;
        fs.boom = fs.file("boom", "x".getBytes()).id;
        session = Session.mount(mp, fs, config);
    }

    @AfterAll
    void unmount() throws Exception {
        if (session == null) return;
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(30), "session " + session.connection(), session::abort)) {
            session.close();
            assertTrue(session.awaitEnd(Duration.ofSeconds(20)), "the workers did not end after unmount");
        }
        assertFalse(Sh.mounted(mp));
    }

    @BeforeEach
    void arm() {
        deadline = MountDeadline.of(Duration.ofSeconds(60), "session " + session.connection(), session::abort);
    }

    @AfterEach
    void disarm() {
        deadline.close();
    }

    @Test
    void negotiatesBigRequestsAndReaddirplus_neverWritebackCache() {
        Negotiated n = session.negotiated();
        assertNotNull(n);
        assertEquals(n, fs.negotiated, "the handler saw what the session negotiated");
        assertEquals(7, n.major());
        assertEquals(Math.min(45, n.kernelMinor()), n.minor());
        assertTrue(n.kernelMinor() >= 45, "this kernel (6.18) speaks 7.45: " + n.describe());
        assertTrue(n.has(InitFlags.MAX_PAGES), n.describe());
        assertEquals(256, n.maxPages());
        assertEquals(1 << 20, n.maxWrite());
        assertTrue(n.has(InitFlags.DO_READDIRPLUS) && n.has(InitFlags.READDIRPLUS_AUTO), n.describe());
        assertTrue(n.has(InitFlags.ASYNC_READ | InitFlags.BIG_WRITES | InitFlags.PARALLEL_DIROPS
                | InitFlags.HANDLE_KILLPRIV_V2 | InitFlags.CACHE_SYMLINKS | InitFlags.EXPORT_SUPPORT | InitFlags.INIT_EXT), n.describe());
        assertFalse(n.has(InitFlags.WRITEBACK_CACHE), n.describe());
        long asked = config().uring() ? InitFlags.OVER_IO_URING : 0;
        assertEquals(asked >>> 32, n.flags() >>> 32, "in flags2 only what the session asked for: " + n.describe());
        assertEquals(0, n.flags() & ~(InitNegotiation.WANTED | asked));
    }

    /** Every batch size up to a full one reaches the kernel (nodes it does not hold are skipped there). */
    @Test
    void aPruneOfAFullBatchIsSent() {
        long[] ids = new long[Notifier.PRUNE_BATCH];
        for (int i = 0; i < ids.length; i++) ids[i] = 1_000_000 + i;
        assertEquals(0, session.notifier().prune(ids, 1));
        assertEquals(0, session.notifier().prune(ids, Notifier.PRUNE_BATCH - 2));
        assertEquals(0, session.notifier().prune(ids, Notifier.PRUNE_BATCH), "a full batch");
    }

    @Test
    void lsListsTheTree() {
        Sh.Result r = Sh.sh("ls -a " + mp);
        assertEquals(0, r.exit(), r.err());
        assertEquals(".\n..\nbig.bin\nboom\ndir\nhello.txt\nlink\nslow\n", r.out());
        Sh.Result deep = Sh.sh("ls " + mp + "/dir/sub");
        assertEquals("deep.txt\n", deep.out());
    }

    @Test
    void lsLongUsesReaddirplus() {
        int before = fs.readdirplusCalls.get();
        Sh.Result r = Sh.sh("ls -ln --time-style=+%s " + mp + " | tail -n +2 | awk '{print $1, $3, $4, $5, $6, $7, $8, $9}'"
                + " | sed 's/ *$//'");
        assertEquals(0, r.exit(), r.err());
        assertEquals("-rw-r--r-- 0 0 3145728 1700000000 big.bin\n"
                + "-rw-r--r-- 0 0 1 1700000000 boom\n"
                + "drwxr-xr-x 0 0 0 1700000000 dir\n"
                + "-rw-r--r-- 0 0 6 1700000000 hello.txt\n"
                + "lrwxrwxrwx 0 0 9 1700000000 link -> hello.txt\n"
                + "-rw-r--r-- 0 0 10 1700000000 slow\n", r.out());
        assertTrue(fs.readdirplusCalls.get() > before, "ls -l went through READDIRPLUS");
    }

    @Test
    void statShowsTheHandlersAttributes() throws IOException {
        PosixFileAttributes a = Files.readAttributes(mp.resolve("hello.txt"), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(6, a.size());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(a.permissions()));
        assertTrue(a.isRegularFile());
        assertEquals(1_700_000_000L, a.lastModifiedTime().toMillis() / 1000);
        Sh.Result r = Sh.sh("stat -c '%s %a %F %h' " + mp + "/dir " + mp + "/big.bin && stat -f -c '%S %b %a' " + mp);
        assertEquals(0, r.exit(), r.err());
        assertEquals("0 755 directory 2\n3145728 644 regular file 1\n4096 1000 500\n", r.out());
        assertTrue(Files.isSymbolicLink(mp.resolve("link")));
        assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(mp.resolve("link")));
    }

    @Test
    void catReadsFiles() throws IOException {
        Sh.Result r = Sh.sh("cat " + mp + "/hello.txt " + mp + "/dir/sub/deep.txt " + mp + "/link");
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello\ndeep\nhello\n", r.out());
        assertEquals("deep\n", Files.readString(mp.resolve("dir/sub/deep.txt")));
    }

    @Test
    void aBigFileReadsWholeIn1MiBRequests() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pattern(BIG)));
        Sh.Result r = Sh.sh("dd if=" + mp + "/big.bin bs=4M iflag=fullblock status=none | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertEquals(sha + "  -\n", r.out());
        assertEquals(1 << 20, fs.largestRead.get(), "the largest READ the kernel sent");
        assertArrayEquals(pattern(BIG), Files.readAllBytes(mp.resolve("big.bin")));
    }

    @Test
    void aNameThatIsNotUtf8RoundTripsExactly() {
        byte[] name = {'c', 'a', 'f', (byte) 0xe9, (byte) 0xff, '.', 't'};
        Sh.Result r = Sh.run(java.util.List.of("python3", "-c",
                "import os,sys\n"
                        + "p = os.fsencode(sys.argv[1]) + b'/caf\\xe9\\xff.t'\n"
                        + "open(p, 'wb').write(b'bytes')\n"
                        + "print([n.hex() for n in os.listdir(os.fsencode(sys.argv[1])) if n.startswith(b'caf')])\n"
                        + "print(open(p, 'rb').read().decode())\n"
                        + "os.unlink(p)\n"
                        + "print(os.path.exists(p))\n",
                mp.toString()));
        assertEquals(0, r.exit(), r.err());
        assertEquals("['" + HexFormat.of().formatHex(name) + "']\nbytes\nFalse\n", r.out());
    }

    @Test
    void writesMakeAndRemoveThings() throws IOException {
        Sh.Result r = Sh.sh("cd " + mp + " && mkdir -p w/a && echo one > w/a/f && echo two >> w/a/f && mv w/a/f w/g"
                + " && cat w/g && truncate -s 2 w/g && cat w/g && echo && rm w/g && rmdir w/a w && ls");
        assertEquals(0, r.exit(), r.err());
        assertEquals("one\ntwo\non\nbig.bin\nboom\ndir\nhello.txt\nlink\nslow\n", r.out());
        Files.write(mp.resolve("j.bin"), pattern(3 << 20));
        assertArrayEquals(pattern(3 << 20), fs.child(1, "j.bin".getBytes()).data);
        Files.delete(mp.resolve("j.bin"));
    }

    @Test
    void anUnimplementedCallIsFunctionNotImplemented() {
        Sh.Result r = Sh.sh("ln -s hello.txt " + mp + "/soft");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Function not implemented"), r.err());
        r = Sh.sh("mkfifo " + mp + "/fifo");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Function not implemented"), r.err());
        // Linux 6.x turns a LINK answered ENOSYS into EPERM (link(2) knows no ENOSYS).
        r = Sh.sh("ln " + mp + "/hello.txt " + mp + "/hard");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Operation not permitted"), r.err());
        for (String n : new String[] {"soft", "fifo", "hard"}) assertFalse(Files.exists(mp.resolve(n), LinkOption.NOFOLLOW_LINKS), n);
    }

    @Test
    void aHandlerThatThrowsGivesEio_andServingGoesOn() {
        Sh.Result r = Sh.sh("cat " + mp + "/boom");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Input/output error"), r.err());
        assertEquals("hello\n", Sh.sh("cat " + mp + "/hello.txt").out());
    }

    @Test
    void anInterruptedSlowReadEnds_andServingGoesOn() throws Exception {
        Process cat = new ProcessBuilder("cat", mp + "/slow").redirectErrorStream(true).start();
        try {
            assertTrue(fs.slowEntered.await(30, TimeUnit.SECONDS), "the read reached the handler");
            cat.destroy();
            assertTrue(cat.waitFor(30, TimeUnit.SECONDS), "cat ended once interrupted");
            assertEquals(143, cat.exitValue(), "killed by SIGTERM");
            assertTrue(fs.slowInterrupted.get(), "the handler saw the INTERRUPT");
        } finally {
            cat.destroyForcibly();
        }
        assertEquals("hello\n", Sh.sh("cat " + mp + "/hello.txt").out());
    }
}
