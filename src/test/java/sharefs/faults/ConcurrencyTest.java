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
 * later succeeded); every write that returned an error left nothing of itself behind.
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

    /** What one write did: its bytes, and how far it got. */
    record Write(Path backingName, byte[] bytes, boolean ok, boolean created, String error) {
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
                        List<String> mine = new ArrayList<>();
                        for (int n = 0; !stop.get(); n++) {
                            String name = tag + "-" + n + ".dat";
                            Write w = write(dir.resolve(name), backing.resolve(name), tag, n, rnd);
                            writes.put(name, w);
                            ops.incrementAndGet();
                            if (!w.ok) failedOps.incrementAndGet();
                            if (w.ok) mine.add(name);
                            // Deleters try to remove a random earlier file (any writer's) now and then.
                            if (deleter && n % 3 == 2) {
                                List<String> all = new ArrayList<>(writes.keySet());
                                String victim = all.get(rnd.nextInt(all.size()));
                                try {
                                    Files.delete(dir.resolve(victim));
                                    deleted.put(victim, true);
                                    deletes.incrementAndGet();
                                } catch (IOException ignored) {
                                    // EACCES/EROFS/ENOENT as the permission of the moment says.
                                }
                                ops.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            // The owner churns the edit invitee's permission, and revokes/re-invites it.
            futures.add(pool.submit(() -> {
                Random rnd = new Random(7);
                boolean shared = true;
                while (!stop.get()) {
                    int k = rnd.nextInt(5);
                    if (shared && k < 3) {
                        in.sharing.shares().set(OWNER, FOLDER, ED, Permission.values()[k]);
                    } else if (shared) {
                        in.sharing.shares().revoke(OWNER, FOLDER, ED);
                        shared = false;
                    } else {
                        share(in, ED, Permission.values()[rnd.nextInt(3)]);
                        shared = true;
                    }
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
                if (w.ok && !deleted.containsKey(e.getKey())) {
                    assertTrue(Files.exists(w.backingName), "lost write " + e.getKey());
                    assertArrayEquals(w.bytes, Files.readAllBytes(w.backingName), "bytes of " + e.getKey());
                    checked++;
                } else if (!w.ok && !w.created) {
                    assertFalse(Files.exists(w.backingName), "refused create left " + e.getKey() + " (" + w.error + ")");
                    absent++;
                } else if (!w.ok && Files.exists(w.backingName)) {
                    // Created under one permission, write refused after a downgrade: none of its bytes landed.
                    byte[] got = Files.readAllBytes(w.backingName);
                    assertEquals(0, got.length, "refused write left bytes in " + e.getKey() + " (" + w.error + ")");
                }
                if (deleted.containsKey(e.getKey())) assertFalse(Files.exists(w.backingName), "deleted file back: " + e.getKey());
            }
            assertTrue(checked > 0 && failedOps.get() > 0, "churn must both allow and refuse: " + checked + "/" + failedOps);
            System.out.printf("[faults] concurrency: %d ops (%d refused, %d deletes), %d permission changes, %d writes verified, %d refused creates absent%n",
                    ops.get(), failedOps.get(), deletes.get(), changes.get(), checked, absent);
        }
    }

    static void share(Install in, String invitee, Permission p) {
        long id = in.sharing.invitations().invite(OWNER, FOLDER, List.of(invitee), p).get(0).invitationId();
        in.sharing.invitations().accept(invitee, id);
    }

    static Write write(Path viaMount, Path backing, String tag, int n, Random rnd) {
        byte[] bytes = (tag + ":" + n + ":" + Long.toHexString(rnd.nextLong()) + "\n").repeat(1 + rnd.nextInt(40))
                .getBytes(StandardCharsets.UTF_8);
        FileChannel fc;
        try {
            fc = FileChannel.open(viaMount, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return new Write(backing, bytes, false, false, e.toString());
        }
        try (fc) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) fc.write(b);
        } catch (IOException e) {
            return new Write(backing, bytes, false, true, e.toString());
        }
        return new Write(backing, bytes, true, true, null);
    }
}
