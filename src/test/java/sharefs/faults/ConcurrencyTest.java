package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;
import sharefs.sharing.UsageMode;

/**
 * Part 3: three mounts (owner, an edit-delete invitee, an edit invitee whose permission the
 * owner keeps changing, revoking and re-granting) and many threads writing unique files into one
 * shared folder. Every write that returned success is there with its bytes (unless a delete
 * later succeeded); every write that returned an error left nothing of itself behind. Each
 * delete of an existing file answers exactly what the deleter's access of the moment says: the
 * edit-delete invitee's always succeed, and the churned invitee's succeed only while it may
 * delete (EROFS under view, EACCES under edit, ENOENT once kicked out).
 */
class ConcurrencyTest {
    static final String OWNER = "owner@x.io", WD = "wd@x.io", ED = "ed@x.io", FOLDER = "shared";

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void permissionChurnLosesNoAllowedWriteAndKeepsNoForbiddenOne() throws Exception {
        churn(10_000, 2);
    }

    @Test
    @Tag("long")
    @Timeout(600)
    void permissionChurnLong() throws Exception {
        churn(120_000, 4);
    }

    /**
     * What one write did: how to make its bytes again, and how far it got. Not the bytes
     * themselves nor its path: a long run on the kernel engine makes a million writes, and the
     * record of each must stay small enough for them all to be checked at the end.
     */
    record Write(String tag, int n, long value, int repeats, boolean ok, boolean created, String error) {
        byte[] bytes() {
            return content(tag, n, value, repeats);
        }
    }

    static byte[] content(String tag, int n, long value, int repeats) {
        return (tag + ":" + n + ":" + Long.toHexString(value) + "\n").repeat(repeats).getBytes(StandardCharsets.UTF_8);
    }

    /** One delete by the churned invitee: of which file, when (System.nanoTime()), and what it answered. */
    record Unlink(String victim, long start, long end, String outcome) {
    }

    void churn(long millis, int threadsPerMount) throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            for (String u : List.of(OWNER, WD, ED)) in.sharing.users().add(null, u, null, false);
            String folderId = in.sharing.folders().create(OWNER, FOLDER, null, null, UsageMode.GENERAL).folderId();
            share(in, WD, Permission.EDIT_DELETE);
            share(in, ED, Permission.EDIT);
            Path backing = in.home.folderDir(folderId);
            Map<String, Path> mounts = Map.of(OWNER, in.mountPoint("owner"), WD, in.mountPoint("wd"), ED, in.mountPoint("ed"));
            // Three daemons started at once: each JVM start is the slow part.
            List<Thread> starters = new ArrayList<>();
            List<Throwable> startErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (var e : mounts.entrySet()) {
                Thread th = new Thread(() -> {
                    try {
                        in.mount(e.getKey(), e.getValue());
                    } catch (Throwable x) {
                        startErrors.add(x);
                    }
                });
                th.start();
                starters.add(th);
            }
            for (Thread th : starters) th.join(60_000);
            assertTrue(startErrors.isEmpty(), "mounts failed: " + startErrors);

            Map<String, Write> writes = new ConcurrentHashMap<>();
            Map<String, Boolean> deleted = new ConcurrentHashMap<>();
            // Files that exist and no deleter holds: a deleter takes one out, and puts it back if refused.
            List<String> present = new ArrayList<>();
            List<Unlink> edUnlinks = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> wdRefusals = new java.util.concurrent.CopyOnWriteArrayList<>();
            AccessTimeline edAccess = new AccessTimeline(new AccessTimeline.Access(Permission.EDIT));
            Path edMount = mounts.get(ED);
            AtomicLong ops = new AtomicLong(), changes = new AtomicLong(), failedOps = new AtomicLong(), deletes = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newCachedThreadPool();
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            int t = 0;
            for (var e : mounts.entrySet()) {
                for (int i = 0; i < threadsPerMount; i++) {
                    String who = e.getKey().substring(0, e.getKey().indexOf('@'));
                    String tag = who + "-t" + (t++);
                    Path dir = e.getValue().resolve(FOLDER);
                    boolean deleter = !e.getKey().equals(OWNER) && i == 0;
                    futures.add(pool.submit(() -> {
                        Random rnd = new Random(tag.hashCode());
                        for (int n = 0; !stop.get(); n++) {
                            String name = tag + "-" + n + ".dat";
                            Write w = write(dir.resolve(name), tag, n, rnd);
                            writes.put(name, w);
                            ops.incrementAndGet();
                            if (!w.ok) failedOps.incrementAndGet();
                            if (w.ok) {
                                synchronized (present) {
                                    present.add(name);
                                }
                            }
                            // Deleters remove a random existing file (any writer's) now and then.
                            if (deleter && n % 3 == 2) {
                                String victim;
                                synchronized (present) {
                                    victim = present.isEmpty() ? null : present.remove(rnd.nextInt(present.size()));
                                }
                                if (victim == null) continue;
                                long start = System.nanoTime();
                                int rc = Syscalls.unlink(dir.resolve(victim));
                                long end = System.nanoTime();
                                if (rc == 0) {
                                    deleted.put(victim, true);
                                    deletes.incrementAndGet();
                                } else {
                                    synchronized (present) {
                                        present.add(victim);
                                    }
                                }
                                if (who.equals("ed")) {
                                    edUnlinks.add(new Unlink(victim, start, end, Syscalls.outcome(rc)));
                                } else if (rc != 0) {
                                    wdRefusals.add(victim + ": " + Syscalls.outcome(rc));
                                }
                                ops.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            // The owner churns the edit invitee's permission, and revokes/re-invites it. After each
            // change it waits until the invitee's mount serves a view built after it, so the
            // timeline knows, without any timing bound, which access each delete may have met.
            futures.add(pool.submit(() -> {
                Random rnd = new Random(7);
                boolean shared = true;
                while (!stop.get()) {
                    int k = rnd.nextInt(5);
                    AccessTimeline.Access next;
                    long asked = System.nanoTime();
                    if (shared && k < 3) {
                        next = new AccessTimeline.Access(Permission.values()[k]);
                        in.sharing.shares().set(OWNER, FOLDER, ED, next.perm());
                    } else if (shared) {
                        next = AccessTimeline.Access.NONE;
                        in.sharing.shares().revoke(OWNER, FOLDER, ED);
                        shared = false;
                    } else {
                        next = new AccessTimeline.Access(Permission.values()[rnd.nextInt(3)]);
                        share(in, ED, next.perm());
                        shared = true;
                    }
                    long version = in.sharing.db().changeCounter();
                    Install.await("the edit invitee's mount serves change " + version, 10_000, () -> in.viewVersion(edMount) >= version);
                    edAccess.changed(next, asked, System.nanoTime());
                    changes.incrementAndGet();
                    Install.sleep(50 + rnd.nextInt(150));
                }
                return null;
            }));
            Install.sleep(millis);
            stop.set(true);
            pool.shutdown();
            boolean ended = pool.awaitTermination(60, TimeUnit.SECONDS);
            assertTrue(ended, "threads did not finish within 60 s after stop: deadlock or hung FUSE call");
            for (var f : futures) f.get(1, TimeUnit.SECONDS); // rethrows any crash of a worker

            // Every daemon is still alive.
            for (Path mp : mounts.values()) assertTrue(ProcessHandle.of(in.agentPid()).get().isAlive());

            int checked = 0, absent = 0;
            for (var e : writes.entrySet()) {
                Write w = e.getValue();
                Path backingName = backing.resolve(e.getKey());
                if (w.ok && !deleted.containsKey(e.getKey())) {
                    assertTrue(Files.exists(backingName), "lost write " + e.getKey());
                    assertArrayEquals(w.bytes(), Files.readAllBytes(backingName), "bytes of " + e.getKey());
                    checked++;
                } else if (!w.ok && !w.created) {
                    assertFalse(Files.exists(backingName), "refused create left " + e.getKey() + " (" + w.error + ")");
                    absent++;
                } else if (!w.ok && Files.exists(backingName)) {
                    // Created under one permission, write refused after a downgrade: none of its bytes landed.
                    byte[] got = Files.readAllBytes(backingName);
                    assertEquals(0, got.length, "refused write left bytes in " + e.getKey() + " (" + w.error + ")");
                }
                if (deleted.containsKey(e.getKey())) assertFalse(Files.exists(backingName), "deleted file back: " + e.getKey());
            }
            assertTrue(checked > 0 && failedOps.get() > 0, "churn must both allow and refuse: " + checked + "/" + failedOps);

            // The edit-delete invitee may always delete: every one of its deletes succeeded.
            assertEquals(List.of(), wdRefusals, "deletes refused to the edit-delete invitee");
            // The churned invitee's deletes answered what one of the accesses possible at the time says.
            Map<String, Integer> edOutcomes = new java.util.TreeMap<>();
            List<String> wrong = new ArrayList<>();
            for (Unlink u : edUnlinks) {
                Set<String> allowed = edAccess.unlinkOutcomesDuring(u.start(), u.end());
                if (!allowed.contains(u.outcome())) {
                    wrong.add(u.victim() + ": " + u.outcome() + " while the access was " + edAccess.possibleDuring(u.start(), u.end()));
                }
                edOutcomes.merge(u.outcome(), 1, Integer::sum);
            }
            assertEquals(List.of(), wrong, "deletes by the churned invitee that its access did not allow");
            long refused = edUnlinks.stream().filter(u -> !u.outcome().equals("ok")).count();
            assertTrue(refused > 0 && edAccess.changes() > 0, "the churn must refuse deletes: " + edOutcomes);
            System.out.printf("[faults] concurrency: %d ops (%d refused, %d deletes), %d permission changes, %d writes verified,"
                    + " %d refused creates absent; churned deleter: %s%n",
                    ops.get(), failedOps.get(), deletes.get(), changes.get(), checked, absent, edOutcomes);
        }
    }

    static void share(Install in, String invitee, Permission p) {
        long id = in.sharing.invitations().invite(OWNER, FOLDER, List.of(invitee), p).get(0).invitationId();
        in.sharing.invitations().accept(invitee, id);
    }

    static Write write(Path viaMount, String tag, int n, Random rnd) {
        long value = rnd.nextLong();
        int repeats = 1 + rnd.nextInt(40);
        byte[] bytes = content(tag, n, value, repeats);
        FileChannel fc;
        try {
            fc = FileChannel.open(viaMount, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return new Write(tag, n, value, repeats, false, false, why(e));
        }
        try (fc) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) fc.write(b);
        } catch (IOException e) {
            return new Write(tag, n, value, repeats, false, true, why(e));
        }
        return new Write(tag, n, value, repeats, true, true, null);
    }

    /** The refusal without the path (which the failure message names anyway): kept per failed write. */
    private static String why(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException f ? f.getReason() : e.getMessage();
        return (e.getClass().getSimpleName() + ": " + reason).intern();
    }
}
