package sharefs.sharing;

import static sharefs.testing.Cast.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races between writers: whatever the interleaving, the rules must hold because of constraints
 * and transactions, not because of luck. Bounded rounds; each test well under 20 s.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RaceTest extends SharingTestBase {
    static final int THREADS = 8;

    private ExecutorService pool;

    @BeforeEach
    void start() {
        pool = Executors.newCachedThreadPool();
        user(ANN);
        user(BOB);
        user(CAT);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Runs the tasks at once (released together by a barrier); each result is a value or a SharingException. */
    private List<Object> race(List<Callable<?>> tasks) throws Exception {
        CyclicBarrier go = new CyclicBarrier(tasks.size());
        List<Future<Object>> fs = new ArrayList<>();
        for (Callable<?> t : tasks) {
            fs.add(pool.submit(() -> {
                go.await(5, TimeUnit.SECONDS);
                try {
                    Object r = t.call();
                    return r == null ? "ok" : r;
                } catch (SharingException e) {
                    return e;
                }
            }));
        }
        List<Object> out = new ArrayList<>();
        for (Future<Object> f : fs) out.add(f.get(15, TimeUnit.SECONDS)); // anything but a refusal fails here
        return out;
    }

    private static List<Callable<?>> times(int n, Callable<?> task) {
        List<Callable<?>> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(task);
        return l;
    }

    private static long wins(List<Object> results) {
        return results.stream().filter(r -> !(r instanceof SharingException)).count();
    }

    private static void refusalsAreConflicts(List<Object> results) {
        for (Object r : results) {
            if (r instanceof SharingException e) {
                assertEquals(SharingException.Kind.CONFLICT, e.kind(), e.getMessage());
                assertOneLine(e.getMessage());
            }
        }
    }

    @Test
    void concurrentAcceptsOfOneInvitationHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "f" + round;
            folder(ANN, name);
            long id = invite(ANN, name, BOB, Permission.EDIT);
            List<Object> results = race(times(THREADS, () -> s.invitations().accept(BOB, id)));
            assertEquals(1, wins(results), results.toString());
            refusalsAreConflicts(results);
            assertEquals(1, count("SELECT COUNT(*) FROM shares s JOIN folders f ON f.id = s.folder_id WHERE f.name = ?", name));
            assertEquals(1, count("SELECT COUNT(*) FROM audit WHERE action = 'invitation.accept' AND detail LIKE ?", "invitation " + id + ",%"));
            assertEquals("accepted", invitation(BOB, id).state());
        }
        assertConsistent();
    }

    @Test
    void acceptRacingRejectAndCancelHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "f" + round;
            folder(ANN, name);
            long id = invite(ANN, name, BOB, Permission.VIEW);
            List<Callable<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(() -> s.invitations().accept(BOB, id));
                tasks.add(() -> s.invitations().reject(BOB, id));
                tasks.add(() -> s.invitations().cancel(ANN, id));
            }
            List<Object> results = race(tasks);
            assertEquals(1, wins(results), results.toString());
            refusalsAreConflicts(results);
            String state = invitation(ANN, id).state();
            assertEquals(state.equals("accepted") ? List.of(name) : List.of(),
                    names(BOB).stream().filter(name::equals).toList(), state);
        }
        assertConsistent();
    }

    @Test
    void concurrentInvitesOfOneUserMakeOnePendingInvitation() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "g" + round;
            folder(ANN, name);
            List<Object> results = race(times(THREADS, () -> s.invitations().invite(ANN, name, List.of(BOB), Permission.VIEW)));
            int invited = 0;
            for (Object r : results) {
                @SuppressWarnings("unchecked") List<InviteOutcome> out = (List<InviteOutcome>) r;
                assertEquals(1, out.size());
                if (out.get(0).invited()) invited++;
                else assertTrue(out.get(0).reason().contains("pending"), out.get(0).reason());
            }
            assertEquals(1, invited);
            assertEquals(1, count("SELECT COUNT(*) FROM invitations i JOIN folders f ON f.id = i.folder_id"
                    + " WHERE f.name = ? AND i.state = 'pending'", name));
        }
        assertConsistent();
    }

    @Test
    void acceptsOfTwoFoldersOfOneNameLetOnlyOneIn() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "same" + round;
            folder(ANN, name);
            folder(CAT, name);
            long a = invite(ANN, name, BOB, Permission.VIEW);
            long c = invite(CAT, name, BOB, Permission.EDIT);
            List<Callable<?>> tasks = new ArrayList<>();
            for (int i = 0; i < THREADS / 2; i++) {
                tasks.add(() -> s.invitations().accept(BOB, a));
                tasks.add(() -> s.invitations().accept(BOB, c));
            }
            List<Object> results = race(tasks);
            assertEquals(1, wins(results), results.toString());
            refusalsAreConflicts(results);
            assertEquals(1, names(BOB).stream().filter(name::equals).count());
        }
        assertConsistent();
    }

    @Test
    void renameRacingAcceptNeverShowsTwoFoldersOfOneName() throws Exception {
        for (int round = 0; round < 10; round++) {
            String a = "a" + round;
            String b = "b" + round;
            folder(ANN, a);
            folder(BOB, b);
            long id = invite(ANN, a, BOB, Permission.EDIT);
            List<Object> results = race(List.of(
                    () -> { s.folders().rename(ANN, a, b); return "renamed"; },
                    () -> s.invitations().accept(BOB, id)));
            // Either order leaves exactly one of the two steps refused.
            assertEquals(1, wins(results), results.toString());
            refusalsAreConflicts(results);
            assertConsistent();
        }
    }

    @Test
    void twoOwnersRenamingSharedFoldersToOneNameLetOnlyOneThrough() throws Exception {
        for (int round = 0; round < 10; round++) {
            String a = "a" + round;
            String c = "c" + round;
            String z = "z" + round;
            folder(ANN, a);
            folder(CAT, c);
            share(ANN, a, BOB, Permission.VIEW);
            share(CAT, c, BOB, Permission.VIEW);
            List<Object> results = race(List.of(
                    () -> { s.folders().rename(ANN, a, z); return "ann"; },
                    () -> { s.folders().rename(CAT, c, z); return "cat"; },
                    () -> folder(BOB, z)));
            assertEquals(1, wins(results), results.toString());
            refusalsAreConflicts(results);
            assertEquals(1, names(BOB).stream().filter(z::equals).count());
        }
        assertConsistent();
    }

    @Test
    void concurrentDeletesAndRestoresKeepTheBytesWhereTheDatabaseSaysTheyAre() throws Exception {
        for (int round = 0; round < 6; round++) {
            String name = "d" + round;
            String id = folder(ANN, name).folderId();
            Files.writeString(home.folderDir(id).resolve("data.txt"), "round " + round);

            List<Object> deletes = race(times(4, () -> { s.folders().delete(ANN, name); return "deleted"; }));
            assertEquals(1, wins(deletes), deletes.toString());
            assertTrue(Files.isRegularFile(home.trashedFolderDir(id).resolve("data.txt")),
                    "trashed folder's bytes must be in trash after racing deletes");
            assertFalse(Files.exists(home.folderDir(id)), "no bytes left in storage for a trashed folder");

            List<Callable<?>> restores = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String as = i == 0 ? null : name + "-r" + i;
                restores.add(() -> s.folders().restore(ANN, id, as));
            }
            List<Object> rs = race(restores);
            assertEquals(1, wins(rs), rs.toString());
            assertEquals("round " + round, Files.readString(home.folderDir(id).resolve("data.txt")),
                    "restored folder's bytes must be in storage after racing restores");
            assertFalse(Files.exists(home.trashedFolderDir(id)));
        }
        assertConsistent();
    }

    /** Many threads doing random steps over a small name space; afterwards every invariant holds. */
    @Test
    void randomConcurrentStepsKeepTheDatabaseConsistent() throws Exception {
        String[] users = {ANN, BOB, CAT, "dan@x.io", "eve@x.io"};
        user("dan@x.io");
        user("eve@x.io");
        admin("root@x.io");
        s.projects().create(null, "p");
        String[] names = {"a", "b", "c"};
        Permission[] perms = Permission.values();
        AtomicInteger refusals = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        List<Callable<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 1000 + t;
            workers.add(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < 150 && System.nanoTime() < deadline; i++) {
                    String u = users[r.nextInt(users.length)];
                    String other = users[r.nextInt(users.length)];
                    String n = names[r.nextInt(names.length)];
                    String n2 = names[r.nextInt(names.length)];
                    try {
                        switch (r.nextInt(12)) {
                            case 0 -> folder(u, n);
                            case 1 -> s.folders().rename(u, n, n2);
                            case 2 -> s.invitations().invite(u, n, List.of(other), perms[r.nextInt(perms.length)]);
                            case 3, 4 -> {
                                for (Invitation inv : s.invitations().list(u)) {
                                    if (inv.state().equals("pending") && inv.invitee().equals(u)) {
                                        if (r.nextInt(4) == 0) s.invitations().reject(u, inv.id());
                                        else s.invitations().accept(u, inv.id());
                                        break;
                                    }
                                }
                            }
                            case 5 -> s.shares().leave(u, n);
                            case 6 -> s.shares().revoke(u, n, other);
                            case 7 -> s.folders().delete(u, n);
                            case 8 -> s.folders().restore(u, n, r.nextBoolean() ? null : n2);
                            case 9 -> s.projects().addMember(null, "p", u);
                            case 10 -> s.projects().removeMember(null, "p", u);
                            default -> s.folders().create("root@x.io", n, "p", perms[r.nextInt(perms.length)], UsageMode.GENERAL);
                        }
                        done.incrementAndGet();
                    } catch (SharingException e) {
                        refusals.incrementAndGet();
                        if (e.getMessage().contains("\n")) failures.add(new AssertionError("multi-line: " + e.getMessage()));
                    } catch (Throwable e) {
                        failures.add(e);
                        return null;
                    }
                }
                return null;
            });
        }
        race(workers);
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " unexpected failures; first: " + failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(done.get() > 50, "too few steps succeeded: " + done + " (refused " + refusals + ")");
        assertConsistent();
        // Bytes follow the database: every active folder has its directory, every trashed one is in trash.
        s.db().read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT id, state FROM folders")) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    switch (rs.getString(2)) {
                        case "active" -> assertTrue(Files.isDirectory(home.folderDir(id)), "active folder without bytes " + id);
                        case "trashed" -> assertTrue(Files.isDirectory(home.trashedFolderDir(id)) && !Files.exists(home.folderDir(id)),
                                "trashed folder's bytes not in trash " + id);
                        default -> fail("unexpected state");
                    }
                }
            }
            return null;
        });
    }
}
