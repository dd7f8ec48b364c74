package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.RENAME_EXCHANGE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;

/**
 * While the owner folder's backing directory has d flipping between a real directory and a
 * symlink to an outside directory, processes hammer d/f through the mount. The daemon must
 * never read, create, change or remove anything in the outside directory.
 *
 * <p>The symlink is relative ("../../../outside-…"): resolved by the daemon from the backing
 * directory it lands on the outside directory, but resolved by the caller's own kernel from
 * inside the mount (which the kernel may do if it sees d as a symlink) it lands on a path that
 * does not exist. So the secret can only show up through the mount if the daemon followed it.
 */
class SymlinkSwapRaceTest {
    static final String A = "a@x.io";
    static final String INSIDE = "inside content\n";
    static final String SECRET = "SECRET from the outside\n";
    static final long RUN_MILLIS = 2000;

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path mnt;
    static Path back;
    static Path outside;
    static Path callerSideTarget;

    @BeforeAll
    static void mountA() throws IOException {
        env = new Mounts(tmp);
        // Different depths on purpose; see the class comment.
        mnt = env.soloMount(A, "tests", "x/y/a");
        back = env.backing(A, "tests");
        String outsideName = "outside-" + Long.toHexString(System.nanoTime());
        outside = Files.createDirectory(tmp.resolve(outsideName));
        Files.writeString(outside.resolve("f"), SECRET);
        String target = "../../../" + outsideName;
        assertEquals(outside.toRealPath(), back.resolve(target).normalize().toRealPath(), "daemon-side resolution");
        callerSideTarget = mnt.resolve("tests").resolve(target).normalize();
        assertFalse(Files.exists(callerSideTarget), "caller-side resolution must lead nowhere: " + callerSideTarget);
        Files.createDirectory(back.resolve("d"));
        Files.writeString(back.resolve("d/f"), INSIDE);
        Files.writeString(back.resolve("d/marker"), "m");
        Files.createSymbolicLink(back.resolve("swap"), Path.of(target));
    }

    @AfterAll
    static void unmount() throws IOException {
        if (env != null) env.close();
        if (back != null) Files.deleteIfExists(back.resolve("swap"));
    }

    @Test
    void swappingDirForSymlink_neverLeadsTheMountOutside() throws Exception {
        Map<String, String> outsideBefore = Snap.of(outside);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong(), insideReads = new AtomicLong(), listings = new AtomicLong(),
                creates = new AtomicLong(), writes = new AtomicLong();
        Path d = mnt.resolve("tests/d");

        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            // RENAME_EXCHANGE flips d atomically; every fourth round a three-step swap also leaves d missing for a moment.
            Path bd = back.resolve("d"), bs = back.resolve("swap"), bt = back.resolve("d.tmp");
            for (long i = 0; !stop.get(); i++) {
                int rc;
                if (i % 4 == 3) {
                    rc = Px.rename(bd, bt);
                    if (rc == 0) rc = Px.rename(bs, bd);
                    if (rc == 0) rc = Px.rename(bt, bs);
                } else {
                    rc = Px.rename(bd, bs, RENAME_EXCHANGE);
                }
                if (rc != 0) violations.add("swap failed: " + Px.name(-rc));
                swaps.incrementAndGet();
            }
        }, "swapper"));
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    int fd = Px.open(d.resolve("f"), O_RDONLY, 0);
                    if (fd < 0) continue;
                    int[] err = new int[1];
                    String s = Px.pread(fd, 4096, 0, err);
                    Px.close(fd);
                    if (s == null) continue;
                    if (s.contains("SECRET")) violations.add("read the outside file through the mount: " + s);
                    else if (s.equals(INSIDE)) insideReads.incrementAndGet();
                }
            }, "reader-" + t));
        }
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                int[] err = new int[1];
                List<String> names = Px.list(d, err);
                if (names == null) continue;
                listings.incrementAndGet();
                if (!names.contains("marker")) violations.add("listed a directory that is not d: " + names);
                long[] st = Px.lstat(d.resolve("f"), new int[1]);
                if (st != null && st[3] == SECRET.length()) violations.add("stat saw the outside file's size");
            }
        }, "lister"));
        threads.add(new Thread(() -> {
            for (long i = 0; !stop.get(); i++) {
                Path n = d.resolve("new-" + i);
                int fd = Px.open(n, O_CREAT | O_WRONLY, 0644);
                if (fd >= 0) {
                    Px.pwrite(fd, "created", 0);
                    Px.close(fd);
                    creates.incrementAndGet();
                }
                Px.unlink(n);
                Px.mkdir(d.resolve("dir-" + i), 0755);
                Px.rmdir(d.resolve("dir-" + i));
                Px.symlink("f", d.resolve("sl-" + i));
                Px.unlink(d.resolve("sl-" + i));
                Px.link(d.resolve("f"), d.resolve("hl-" + i));
                Px.unlink(d.resolve("hl-" + i));
                int rfd = Px.open(d.resolve("r-" + i), O_CREAT | O_WRONLY, 0644);
                if (rfd >= 0) Px.close(rfd);
                Px.rename(d.resolve("r-" + i), d.resolve("r2-" + i));
                Px.unlink(d.resolve("r2-" + i));
                Px.unlink(d.resolve("r-" + i));
            }
        }, "creator"));
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                Path f = d.resolve("f");
                int fd = Px.open(f, O_RDWR, 0);
                if (fd >= 0) {
                    // Same bytes as before: harmless inside, a visible change outside.
                    if (Px.pwrite(fd, INSIDE, 0) == INSIDE.length()) writes.incrementAndGet();
                    Px.ftruncate(fd, INSIDE.length());
                    Px.close(fd);
                }
                Px.truncate(f, INSIDE.length());
                Px.chmod(f, 0644);
                Px.setxattr(f, "user.race", "1");
                Px.removexattr(f, "user.race");
                Px.utimens(f, 1_500_000_000L, 1_500_000_000L);
                Px.mknod(d.resolve("fifo"), Px.S_IFIFO | 0644, 0);
                Px.unlink(d.resolve("fifo"));
                // No rename(d/f, d/f): while d changes type the kernel may hold two dentries for d,
                // and libfuse 2's path locking then waits on itself forever (see the report).
            }
        }, "writer"));

        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> violations.add(th.getName() + " died: " + e));
            t.start();
        }
        // Run for RUN_MILLIS, and on a loaded machine a little longer (bounded) until the readers
        // have really read through the mount, so the race is known to have been exercised.
        long end = System.currentTimeMillis() + RUN_MILLIS;
        long hardEnd = end + 15_000;
        while (System.currentTimeMillis() < end
                || ((insideReads.get() == 0 || swaps.get() <= 100) && System.currentTimeMillis() < hardEnd)) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) t.join(20_000);
        List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!stuck.isEmpty()) {
            // Free the threads (and the JVM) before failing: a request the daemon never answers blocks for good.
            MountDeadline.abort(mnt);
            for (Thread t : threads) t.join(10_000);
        }
        assertEquals(List.of(), stuck, "threads stuck in the mount");

        // Put d back as the real directory.
        if (Files.isSymbolicLink(back.resolve("d"))) assertEquals(0, Px.rename(back.resolve("d"), back.resolve("swap"), RENAME_EXCHANGE));
        assertTrue(Files.isDirectory(back.resolve("d"), LinkOption.NOFOLLOW_LINKS));

        assertTrue(violations.isEmpty(), "violations: " + violations.stream().limit(10).toList());
        assertEquals(outsideBefore, Snap.of(outside), "the outside directory changed");
        assertEquals(List.of("f"), Files.list(outside).map(p -> p.getFileName().toString()).toList());
        assertEquals(SECRET, Files.readString(outside.resolve("f")));
        assertFalse(Files.exists(callerSideTarget, LinkOption.NOFOLLOW_LINKS), "something was created at " + callerSideTarget);
        assertEquals(INSIDE, Files.readString(back.resolve("d/f")));
        assertTrue(swaps.get() > 100, "swaps " + swaps);
        assertTrue(insideReads.get() > 0, "no read through the mount ever succeeded; the race exercised nothing");
        System.out.printf("swap race: %d swaps, %d inside reads, %d listings, %d creates, %d writes%n",
                swaps.get(), insideReads.get(), listings.get(), creates.get(), writes.get());
        // After the race the mount serves d/f again.
        Mounts.eventually("d/f readable again through the mount", () -> {
            int fd = Px.open(d.resolve("f"), O_RDONLY, 0);
            if (fd < 0) return false;
            try {
                return INSIDE.equals(Px.pread(fd, 4096, 0, new int[1]));
            } finally {
                Px.close(fd);
            }
        });
    }
}
