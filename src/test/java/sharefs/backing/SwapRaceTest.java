package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.*;
import static sharefs.backing.Flags.*;
import static sharefs.backing.TestSupport.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.io.TempDir;

/**
 * While root/d flips between a real directory and a symlink to an outside directory, no
 * operation on "d/..." may ever reach the outside directory.
 */
class SwapRaceTest {
    private static final long RUN_MILLIS = 1000;
    private static final int MAX_SWAPS = 500_000;
    private static final int WORKERS = 4;
    private static final String INSIDE = "inside content";
    private static final String OUTSIDE = "OUTSIDE SECRET";

    @TempDir Path dir;
    @TempDir Path outside;

    @BothModes
    void swappedDirectoryNeverLeadsOutside(boolean walk) throws Exception {
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("d/secret"), INSIDE);
        Files.writeString(dir.resolve("d/victim"), INSIDE);
        Files.writeString(outside.resolve("secret"), OUTSIDE);
        Files.writeString(outside.resolve("victim"), OUTSIDE);
        Files.writeString(outside.resolve("outside-only"), OUTSIDE);
        Files.createDirectory(outside.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("swap"), outside);
        long outsideSecretIno = (Long) Files.getAttribute(outside.resolve("secret"), "unix:ino");
        Map<String, String> before = OutsideSnapshot.take(outside);

        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong insideReads = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicLong swaps = new AtomicLong();

        try (FolderRoot root = FolderRoot.open(dir, walk)) {
            Thread swapper = new Thread(() -> {
                // RENAME_EXCHANGE flips d between the real directory and the symlink atomically;
                // the plain renames in between also expose a moment where d is missing.
                for (int i = 0; i < MAX_SWAPS && !stop.get(); i++) {
                    int rc = (i % 4 == 3) ? twoStepSwap(root) : root.rename("d", "swap", RENAME_EXCHANGE);
                    if (rc != 0) violations.add("swap failed " + rc);
                    swaps.incrementAndGet();
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int id = w;
                workers.add(new Thread(() -> work(root, id, outsideSecretIno, stop, violations, insideReads, refusals)));
            }
            swapper.start();
            workers.forEach(Thread::start);
            Thread.sleep(RUN_MILLIS);
            stop.set(true);
            swapper.join(10_000);
            for (Thread t : workers) t.join(10_000);
        }

        assertTrue(violations.isEmpty(), "violations: " + violations);
        OutsideSnapshot.assertUnchanged(before, outside);
        removeSymlinks(dir);
        assertTrue(swaps.get() > 10, "swapper barely ran: " + swaps.get());
        assertTrue(insideReads.get() > 0, "never read the inside file");
        assertTrue(refusals.get() > 0, "never met the symlink state");
    }

    /** d -> tmp, swap -> d, tmp -> swap: non-atomic, so d is briefly absent. */
    private static int twoStepSwap(FolderRoot root) {
        int rc = root.rename("d", "tmp", 0);
        if (rc == 0) rc = root.rename("swap", "d", 0);
        if (rc == 0) rc = root.rename("tmp", "swap", 0);
        return rc;
    }

    private static void work(FolderRoot root, int id, long outsideIno, AtomicBoolean stop,
            ConcurrentLinkedQueue<String> violations, AtomicLong insideReads, AtomicLong refusals) {
        Pointer st = mem(StatBuf.SIZE);
        String mine = "d/w" + id;
        while (!stop.get()) {
            int fd = root.open("d/secret", O_RDONLY, 0);
            if (fd >= 0) {
                String got = readAll(fd);
                FileOps.close(fd);
                if (got.equals(OUTSIDE)) violations.add("read the outside secret");
                else insideReads.incrementAndGet();
            } else {
                expectRefusal(fd, "open", violations, refusals);
            }

            int rc = root.stat("d/secret", st);
            if (rc == 0 && StatBuf.ino(st) == outsideIno) violations.add("stat reached outside");
            else if (rc != 0) expectRefusal(rc, "stat", violations, refusals);

            rc = list(root, "d", (name, type) -> {
                if (name.equals("outside-only")) violations.add("listed the outside directory");
                return true;
            });
            if (rc != 0) expectRefusal(rc, "list", violations, refusals);

            fd = root.open(mine, O_CREAT | O_EXCL | O_WRONLY, 0644);
            if (fd >= 0) FileOps.close(fd);
            else expectRefusal(fd, "create", violations, refusals);
            root.unlink(mine);

            rc = root.mkdir(mine + "dir", 0755);
            if (rc != 0) expectRefusal(rc, "mkdir", violations, refusals);
            root.rmdir(mine + "dir");

            // Each of these would show up in the outside snapshot (content, mode or ctime).
            rc = root.unlink("d/victim");
            if (rc == 0) {
                int v = root.open("d/victim", O_CREAT | O_EXCL | O_WRONLY, 0644);
                if (v >= 0) FileOps.close(v);
            }
            root.chmod("d/secret", 0600);
            root.truncate("d/secret", INSIDE.length());
            root.utimens("d/secret", null);
            root.rmdir("d/sub");
            root.rename("d/secret", "d/secret", 0);
        }
    }

    private static void expectRefusal(int rc, String op, ConcurrentLinkedQueue<String> violations,
            AtomicLong refusals) {
        // ENOENT: d is momentarily absent during the two-step swap. EEXIST: an inside leftover
        // whose cleanup met the symlink state.
        if (rc == -ELOOP || rc == -ENOTDIR || rc == -ENOENT) refusals.incrementAndGet();
        else if (rc == -EEXIST) return;
        else violations.add(op + " gave unexpected " + rc);
    }
}
