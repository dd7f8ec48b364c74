package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.tools.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.access.GrantSource;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.View;
import sharefs.fs.MountTable;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;
import sharefs.sharing.UsageMode;
import sharefs.store.Database;

/** Part 4: kill -9 of daemon and CLI, the database going away, a full disk, umount while busy. */
class FaultsTest {
    static final String OWNER = "owner@x.io", BOB = "bob@x.io";

    @TempDir
    Path tmp;

    // ---- kill -9 of the mount daemon ----------------------------------------------------------

    @Test
    @Timeout(120)
    void killedAgentKeepsFsyncedFilesAndTheMountpointRecovers() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, OWNER, null, false);
            String id = in.sharing.folders().create(OWNER, "data", null, null, UsageMode.GENERAL).folderId();
            Path mp = in.mountPoint("view");
            in.mount(OWNER, mp);
            int n = 40;
            List<byte[]> contents = new ArrayList<>();
            Random rnd = new Random(1);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[1 + rnd.nextInt(200_000)];
                rnd.nextBytes(b);
                contents.add(b);
                try (FileOutputStream o = new FileOutputStream(mp.resolve("data").resolve("f" + i).toFile())) {
                    o.write(b);
                    o.getFD().sync();
                }
            }
            // A writer keeps going (unsynced) while the agent is killed.
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try (FileOutputStream o = new FileOutputStream(mp.resolve("data").resolve("unsynced" + i).toFile())) {
                        o.write(new byte[64 * 1024]);
                    } catch (IOException e) {
                        return; // ENOTCONN once the daemon is gone
                    }
                }
            });
            writer.setDaemon(true);
            writer.start();
            Path second = mp.resolve("data").resolve("unsynced1");
            Install.await("the writer is under way", 30_000, () -> Files.exists(second));
            long pid = in.agentPid();
            Install.kill9(pid);
            assertTrue(Install.waitGone(pid, 10_000), "the agent survived kill -9");
            stop.set(true);
            writer.join(10_000);
            assertFalse(writer.isAlive(), "a writer hung on the dead mount");

            Path backing = in.home.folderDir(id);
            for (int i = 0; i < n; i++) assertArrayEquals(contents.get(i), Files.readAllBytes(backing.resolve("f" + i)), "f" + i);

            // What the dead agent leaves is a dead mount (ENOTCONN); the next agent, as it starts,
            // detaches what its predecessor had recorded, with nobody asking.
            assertTrue(MountTable.find(mp).isPresent(), "a killed agent's mount stays until the next agent starts");
            Install.Result started = in.cli("node");
            assertEquals(0, started.rc(), started.err());
            assertFalse(MountTable.find(mp).isPresent(), "the new agent cleaned up its predecessor's dead mount");
            // And the same path mounts again.
            in.mount(OWNER, mp);
            assertTrue(MountTable.find(mp).isPresent());
            for (int i = 0; i < n; i++) assertArrayEquals(contents.get(i), Files.readAllBytes(mp.resolve("data").resolve("f" + i)));
            Files.writeString(mp.resolve("data").resolve("after"), "ok");
            assertEquals("ok", Files.readString(backing.resolve("after")));
            assertTrue(in.agentPid() != pid, "a new agent serves the mount");
            System.out.printf("[faults] kill -9 agent: %d fsynced files intact, remount recovered%n", n);
        }
    }

    // ---- kill -9 of the CLI in the middle of a change -----------------------------------------

    @Test
    @Timeout(180)
    void killedCliLeavesTheDatabaseConsistent() throws Exception {
        killCliLoop(12_000, 2);
    }

    @Test
    @Tag("long")
    @Timeout(900)
    void killedCliLong() throws Exception {
        killCliLoop(180_000, 3);
    }

    /** The sniper's folder: only its CLIs delete and restore it, so only they leave its move mark. */
    static final String SNIPED = "s";

    /**
     * Workers run random CLI changes and kill each at a random moment, which may be anywhere (JVM
     * start-up, a wait for the database file, after the commit): a sniper proves that kills land
     * mid-change too:
     * it deletes and restores a folder of its own and kills the CLI the moment that folder's move
     * mark (storage/.moving/ID, made before its bytes move inside the transaction and dropped only
     * once the move is settled) appears. A mark that outlives its dead process is the proof: the
     * process died with the move unsettled. Then every invariant must still hold, the folder's
     * bytes included, once the next process has opened the database.
     */
    void killCliLoop(long millis, int parallel) throws Exception {
        List<String> users = List.of(OWNER, BOB, "carol@x.io");
        List<String> names = List.of("a", "b", "c");
        try (Install in = Install.withAgentProcess(tmp)) {
            for (String u : users) in.sharing.users().add(null, u, null, false);
            for (String n : names) in.sharing.folders().create(OWNER, n, null, null, UsageMode.GENERAL);
            in.sharing.folders().create(BOB, "a", null, null, UsageMode.GENERAL);
            String sniped = in.sharing.folders().create(OWNER, SNIPED, null, null, UsageMode.GENERAL).folderId();
            Files.writeString(in.home.folderDir(sniped).resolve("keep"), "the sniped folder's bytes");
            // No agent runs: the CLIs open the H2 file themselves, one at a time, so a kill -9 can hit
            // the process that holds the file.
            in.closeDb();
            long end = System.currentTimeMillis() + millis;
            AtomicReference<Throwable> crash = new AtomicReference<>();
            long[] counts = new long[3]; // spawned, killed while running, finished
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                long seed = w;
                Thread t = new Thread(() -> {
                    Random rnd = new Random(seed);
                    try {
                        while (System.currentTimeMillis() < end) {
                            Process p = new ProcessBuilder(in.cliProcess(randomCommand(rnd, users, names)))
                                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                            synchronized (counts) {
                                counts[0]++;
                            }
                            if (p.waitFor(300 + rnd.nextInt(7000), TimeUnit.MILLISECONDS)) {
                                synchronized (counts) {
                                    counts[2]++;
                                }
                            } else {
                                p.destroyForcibly();
                                p.waitFor(10, TimeUnit.SECONDS);
                                synchronized (counts) {
                                    counts[1]++;
                                }
                            }
                        }
                    } catch (Throwable e) {
                        crash.set(e);
                    }
                });
                t.start();
                workers.add(t);
            }
            Sniper sniper = new Sniper(in, sniped);
            Thread sniping = new Thread(() -> {
                try {
                    // Past the workers' end only as long as no kill has landed mid-change yet.
                    long giveUp = end + 90_000;
                    while ((System.currentTimeMillis() < end || sniper.midChange == 0) && System.currentTimeMillis() < giveUp) {
                        sniper.shoot();
                    }
                } catch (Throwable e) {
                    crash.set(e);
                }
            });
            sniping.start();
            for (Thread t : workers) t.join(millis + 60_000);
            sniping.join(millis + 150_000);
            assertNull(crash.get());
            assertFalse(sniping.isAlive(), "the sniper did not finish");
            for (long pid : in.pids()) Install.kill9(pid);
            assertTrue(sniper.midChange > 0, "no CLI was killed mid-change: " + sniper);

            // A new CLI call works (it must take over a lock file left by a killed process).
            Process p = new ProcessBuilder(in.cliProcess("--as", OWNER, "folder", "list")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "CLI hung after the kills");
            assertEquals(0, p.exitValue(), out);
            Install.Result r = in.cli("--as", OWNER, "folder", "create", "after-kills");
            assertEquals(0, r.rc(), r.err());

            in.openDb();
            checkConsistent(in);
            // Every interrupted move was finished by the next open, and the sniped folder's bytes are
            // whole, where its committed state says.
            Path marks = in.home.storage().resolve(".moving");
            if (Files.exists(marks)) assertEquals(List.of(), list(marks), "move marks left after a new open");
            String state = in.sharing.db().read(c -> {
                try (var ps = c.prepareStatement("SELECT state FROM folders WHERE id = ?")) {
                    ps.setString(1, sniped);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            Path bytes = state.equals("active") ? in.home.folderDir(sniped) : in.home.trashedFolderDir(sniped);
            assertEquals("the sniped folder's bytes", Files.readString(bytes.resolve("keep")), "the sniped folder (" + state + ")");
            System.out.printf("[faults] kill -9 CLI: %d CLI processes, %d killed mid-run, %d finished; %s; database consistent%n",
                    counts[0], counts[1], counts[2], sniper);
        }
    }

    /**
     * Runs `folder delete` / `folder restore` of one folder as CLI processes, one at a time, and
     * kills each the moment the folder's move mark appears. Counts the kills after which the mark
     * outlived the process (mid-change) apart from those the CLI outran (it settled the move first).
     */
    static final class Sniper {
        private final Install in;
        private final String folderId;
        private final Path mark;
        int shots, midChange, outran;

        Sniper(Install in, String folderId) {
            this.in = in;
            this.folderId = folderId;
            this.mark = in.home.storage().resolve(".moving").resolve(folderId);
        }

        void shoot() throws IOException, InterruptedException {
            // Where the bytes are says which of the two can succeed (a refused one just ends).
            String verb = Files.isDirectory(in.home.folderDir(folderId)) ? "delete" : "restore";
            // A mark a killed predecessor left is not this CLI's: it is finished (dropped) when
            // the next process opens the database, and only a mark made after that counts.
            boolean inherited = Files.exists(mark);
            Process p = new ProcessBuilder(in.cliProcess("--as", OWNER, "folder", verb, SNIPED))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            shots++;
            boolean fired = false;
            while (p.isAlive()) {
                boolean there = Files.exists(mark);
                if (inherited) {
                    inherited = there;
                } else if (there) {
                    p.destroyForcibly();
                    fired = true;
                    break;
                }
                Thread.sleep(1);
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "a killed CLI did not end");
            if (!fired) return;
            if (Files.exists(mark)) midChange++;
            else outran++;
        }

        @Override
        public String toString() {
            return "sniper: " + shots + " CLIs, " + midChange + " killed mid-change (move mark outlived the process), "
                    + outran + " settled before the kill";
        }
    }

    static String[] randomCommand(Random rnd, List<String> users, List<String> names) {
        String u = users.get(rnd.nextInt(users.size()));
        String other = users.get(rnd.nextInt(users.size()));
        String f = names.get(rnd.nextInt(names.size()));
        String g = names.get(rnd.nextInt(names.size()));
        String perm = List.of("view", "edit", "edit-delete").get(rnd.nextInt(3));
        return switch (rnd.nextInt(9)) {
            case 0 -> new String[] {"--as", u, "share", "invite", f, "--to", other, "--perm", perm};
            case 1 -> new String[] {"--as", u, "invitation", "accept", String.valueOf(1 + rnd.nextInt(20))};
            case 2 -> new String[] {"--as", u, "invitation", "reject", String.valueOf(1 + rnd.nextInt(20))};
            case 3 -> new String[] {"--as", u, "share", "set", f, other, "--perm", perm};
            case 4 -> new String[] {"--as", u, "share", "revoke", f, other};
            case 5 -> new String[] {"--as", u, "folder", "rename", f, g};
            case 6 -> new String[] {"--as", u, "folder", "delete", f};
            case 7 -> new String[] {"--as", u, "folder", "restore", f};
            default -> new String[] {"--as", u, "folder", "create", f};
        };
    }

    /** The invariants a crash must not break, checked on the tables themselves. */
    static void checkConsistent(Install in) {
        Database db = in.sharing.db();
        db.read(c -> {
            try (var st = c.createStatement()) {
                assertEmpty(st, "SELECT user_id, name FROM view_entries GROUP BY user_id, name HAVING COUNT(*) > 1", "two folders of one name");
                assertEmpty(st, "SELECT id FROM invitations WHERE state NOT IN ('pending','accepted','rejected','canceled')", "bad invitation state");
                assertEmpty(st, "SELECT i.id FROM invitations i JOIN folders f ON f.id = i.folder_id WHERE i.state = 'pending' AND f.state <> 'active'",
                        "pending invitation to an inactive folder");
                assertEmpty(st, "SELECT i.id FROM invitations i WHERE i.state <> 'pending' AND i.decided_at IS NULL", "decided invitation without a time");
                assertEmpty(st, "SELECT s.folder_id FROM shares s JOIN folders f ON f.id = s.folder_id WHERE f.state <> 'active'", "share of an inactive folder");
                assertEmpty(st, "SELECT v.folder_id FROM view_entries v JOIN folders f ON f.id = v.folder_id WHERE f.state <> 'active'", "view of an inactive folder");
                assertEmpty(st, "SELECT f.id FROM folders f WHERE f.state = 'active' AND f.owner_user_id IS NOT NULL AND NOT EXISTS"
                        + " (SELECT 1 FROM view_entries v WHERE v.folder_id = f.id AND v.user_id = f.owner_user_id)", "owner does not see own folder");
                assertEmpty(st, "SELECT s.folder_id FROM shares s WHERE NOT EXISTS"
                        + " (SELECT 1 FROM view_entries v WHERE v.folder_id = s.folder_id AND v.user_id = s.user_id)", "share without a view entry");
                assertEmpty(st, "SELECT v.folder_id FROM view_entries v JOIN folders f ON f.id = v.folder_id WHERE f.owner_user_id <> v.user_id"
                        + " AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.folder_id = v.folder_id AND s.user_id = v.user_id)", "view entry without a share");
                assertEmpty(st, "SELECT v.folder_id FROM view_entries v JOIN folders f ON f.id = v.folder_id WHERE v.name <> f.name", "view name differs from folder name");
                try (var rs = st.executeQuery("SELECT id, state FROM folders")) {
                    while (rs.next()) {
                        String id = rs.getString(1), state = rs.getString(2);
                        if (state.equals("active")) assertTrue(Files.isDirectory(in.home.folderDir(id)), "active folder without bytes: " + id);
                        if (state.equals("trashed")) assertTrue(Files.isDirectory(in.home.trashedFolderDir(id)), "trashed folder not in trash: " + id);
                    }
                }
            }
            return null;
        });
    }

    static void assertEmpty(java.sql.Statement st, String sql, String what) throws java.sql.SQLException {
        try (var rs = st.executeQuery(sql)) {
            assertFalse(rs.next(), what + ": " + sql);
        }
    }

    // ---- the database unreachable -------------------------------------------------------------

    /** A grant source that can be switched off (throws, as an unreachable database does). */
    static final class FlakySource implements GrantSource {
        volatile boolean down;
        volatile long counter = 1;
        volatile List<FolderAccess> folders;
        long calls;

        FlakySource(List<FolderAccess> folders) {
            this.folders = folders;
        }

        @Override
        public long changeCounter() {
            calls++;
            if (down) throw new IllegalStateException("database unreachable (test)");
            return counter;
        }

        @Override
        public List<FolderAccess> folders() {
            if (down) throw new IllegalStateException("database unreachable (test)");
            return folders;
        }
    }

    static final String ID1 = "11111111-1111-4111-8111-111111111111", ID2 = "22222222-2222-4222-8222-222222222222";

    static FolderAccess fa(String id, String name, Permission p) {
        return new FolderAccess(id, name, "owner@x.io", false, p, UsageMode.GENERAL);
    }

    @Test
    @Timeout(30)
    void liveViewKeepsTheLastSnapshotWhileTheSourceFailsAndRecovers() {
        FlakySource src = new FlakySource(List.of(fa(ID1, "ro", Permission.VIEW), fa(ID2, "rw", Permission.EDIT)));
        try (LiveView v = new LiveView(src, MountScope.ALL, id -> tmp.resolve(id))) {
            v.load();
            View before = v.current();
            // Down; meanwhile the "real" state widens ro and adds a folder: none of that may show.
            src.down = true;
            src.folders = List.of(fa(ID1, "ro", Permission.EDIT_DELETE), fa(ID2, "rw", Permission.EDIT),
                    fa("33333333-3333-4333-8333-333333333333", "new", Permission.EDIT));
            src.counter = 2;
            assertFalse(v.reload(), "a reload during the outage must report that it failed");
            assertSame(before, v.current(), "the snapshot must stay as it was");
            assertFalse(v.current().get("ro").mayWrite());
            assertNull(v.current().get("new"));
            v.refreshNow(); // a refresh during the outage keeps the snapshot too
            assertSame(before, v.current());
            // Back: the change made meanwhile is picked up, and a narrowing after it as well.
            src.down = false;
            assertTrue(v.reload());
            assertEquals(2, v.current().version());
            assertTrue(v.current().get("ro").mayDelete());
            src.folders = List.of(fa(ID2, "rw", Permission.VIEW));
            src.counter = 3;
            assertTrue(v.reload());
            assertNull(v.current().get("ro"));
            assertFalse(v.current().get("rw").mayWrite());
        }
    }

    @Test
    @Timeout(150)
    void realMountSurvivesTheDatabaseServerStoppingAndPicksUpChangesWhenItReturns() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path base = Files.createDirectories(tmp.resolve("h2"));
        String[] serverArgs = {"-tcp", "-tcpPort", String.valueOf(port), "-baseDir", base.toString(), "-ifNotExists"};
        Server server = Server.createTcpServer(serverArgs).start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/sharefs;LOCK_TIMEOUT=10000";
        int outages = 0;
        try (Install in = Install.withAgentProcess(tmp, url)) {
            in.sharing.users().add(null, OWNER, null, false);
            in.sharing.users().add(null, BOB, null, false);
            in.sharing.folders().create(OWNER, "docs", null, null, UsageMode.GENERAL);
            in.sharing.folders().create(OWNER, "pub", null, null, UsageMode.GENERAL);
            long inv = in.sharing.invitations().invite(OWNER, "pub", List.of(BOB), Permission.VIEW).get(0).invitationId();
            in.sharing.invitations().accept(BOB, inv);
            Path mp = in.mountPoint("bob");
            in.mount(BOB, mp);
            Files.writeString(in.home.folderDir(in.sharing.folders().view(OWNER).stream()
                    .filter(f -> f.name().equals("pub")).findFirst().get().folderId()).resolve("readme"), "hello");
            in.closeDb();

            Permission bobs = Permission.VIEW;
            for (int round = 0; round < 2; round++) {
                server.stop();
                outages++;
                // The agent notices at its next poll and says so once per outage: wait for that line.
                int outage = outages;
                Install.await("the agent logs outage " + outage, 30_000, () -> count(in.agentLog(), OUTAGE) >= outage);
                assertEquals(outage, count(in.agentLog(), OUTAGE), "one line per outage:\n" + in.agentLog());
                // Still serving the snapshot: reads work, writes exactly as the last permission says.
                assertEquals(List.of("pub"), list(mp));
                assertEquals("hello", Files.readString(mp.resolve("pub").resolve("readme")));
                Path x = mp.resolve("pub").resolve("x" + round);
                if (bobs == Permission.VIEW) {
                    assertEquals("EROFS", Syscalls.outcome(Syscalls.openClose(x, O_CREAT | O_WRONLY | O_TRUNC)), "create in a view folder");
                } else {
                    Files.writeString(x, "yes");
                    assertEquals("EACCES", Syscalls.outcome(Syscalls.unlink(x)), "delete in an edit folder");
                }
                assertEquals("EACCES", Syscalls.outcome(Syscalls.mkdir(mp.resolve("not-at-root"))), "mkdir at the view root");
                assertTrue(ProcessHandle.of(in.agentPid()).get().isAlive());

                server = Server.createTcpServer(serverArgs).start();
                in.openDb();
                // A change made after the database returns reaches the mount.
                Permission p = round == 0 ? Permission.EDIT : Permission.VIEW;
                bobs = p;
                in.sharing.shares().set(OWNER, "pub", BOB, p);
                in.sharing.folders().rename(OWNER, "pub", "pub" + round);
                in.closeDb();
                Path renamed = mp.resolve("pub" + round);
                Install.await("the mount sees the change made after the database returned", 15_000, () -> Files.exists(renamed));
                if (p == Permission.EDIT) {
                    Files.writeString(renamed.resolve("w" + round), "yes");
                } else {
                    assertEquals("EROFS", Syscalls.outcome(Syscalls.openClose(renamed.resolve("w" + round), O_CREAT | O_WRONLY | O_TRUNC)),
                            "create after the downgrade to view");
                }
                Install.await("the agent logs the return after outage " + outage, 15_000, () -> count(in.agentLog(), BACK) >= outage);
                assertEquals(outage, count(in.agentLog(), BACK), "one line per return:\n" + in.agentLog());
                in.openDb();
                in.sharing.folders().rename(OWNER, "pub" + round, "pub");
                in.closeDb();
                Install.await("the mount sees the rename back", 15_000, () -> Files.exists(mp.resolve("pub")));
            }
            in.openDb();
            System.out.printf("[faults] database outages: %d injected, %d recovered by the live mount%n", outages, outages);
        } finally {
            server.stop();
        }
    }

    static final String OUTAGE = "cannot read the database", BACK = "database reachable again";

    /** How many lines of log contain what. */
    static long count(String log, String what) {
        return log.lines().filter(l -> l.contains(what)).count();
    }

    static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- disk full ----------------------------------------------------------------------------

    @Test
    @Timeout(120)
    void fullDiskGivesEnospcAndTheDaemonAndDatabaseSurvive() throws Exception {
        Path storage = tmp.resolve("home").resolve("storage");
        Files.createDirectories(storage);
        Files.setPosixFilePermissions(storage.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Install.Result m = Install.run(30, "mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", storage.toString());
        assertEquals(0, m.rc(), m.out());
        try (Install in = Install.withAgentInProcess(tmp)) {
            in.sharing.users().add(null, OWNER, null, false);
            in.sharing.folders().create(OWNER, "big", null, null, UsageMode.GENERAL);
            in.sharing.folders().create(OWNER, "small", null, null, UsageMode.GENERAL);
            Path mp = in.mountPoint("view");
            in.mount(OWNER, mp);
            Path f = mp.resolve("big").resolve("fill");
            IOException full = null;
            long written = 0;
            byte[] chunk = new byte[256 * 1024];
            try (FileOutputStream o = new FileOutputStream(f.toFile())) {
                for (int i = 0; i < 200; i++) {
                    o.write(chunk);
                    written += chunk.length;
                }
            } catch (IOException e) {
                full = e;
            }
            assertTrue(full != null, "wrote " + written + " bytes into 8 MB without an error");
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
            assertEquals(0, in.cli("node", "status").rc(), "the agent answers after ENOSPC");
            assertEquals(List.of("big", "small"), list(mp));
            assertEquals(List.of("big", "small"), in.sharing.folders().view(OWNER).stream().map(FolderAccess::name).sorted().toList());
            // A CLI change still works (the database is not on the full filesystem) and reaches the mount.
            assertEquals(0, in.cli("--as", OWNER, "folder", "rename", "small", "tiny").rc());
            long end = System.currentTimeMillis() + 10_000;
            while (!Files.exists(mp.resolve("tiny")) && System.currentTimeMillis() < end) Install.sleep(50);
            assertTrue(Files.exists(mp.resolve("tiny")));
            Files.delete(f);
            Files.writeString(mp.resolve("tiny").resolve("ok"), "space again");
            assertEquals("space again", Files.readString(mp.resolve("tiny").resolve("ok")));
            System.out.printf("[faults] disk full: ENOSPC after %d bytes, daemon up, database intact%n", written);
        } finally {
            Install.run(30, "umount", "-l", storage.toString());
        }
    }

    /**
     * The whole home on one small filesystem, as on a machine that gave sharefs one disk: a
     * session that fills its folder must leave the agent room to revoke it.
     */
    @Test
    @Timeout(180)
    void aSessionFillingTheDiskCannotStopARevoke() throws Exception {
        fillThenRevoke(8L << 20);
    }

    static final String ANN = "ann@x.io";

    void fillThenRevoke(long reserve) throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Install.Result m = Install.run(30, "mount", "-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", home.toString());
        assertEquals(0, m.rc(), m.out());
        try (Install in = Install.withAgentInProcess(tmp, reserve)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.users().add(null, BOB, null, false);
            in.sharing.folders().create(ANN, "work", null, null, UsageMode.GENERAL);
            long inv = in.sharing.invitations().invite(ANN, "work", List.of(BOB), Permission.EDIT).get(0).invitationId();
            in.sharing.invitations().accept(BOB, inv);
            Path mp = in.mountPoint("bob");
            in.mount(BOB, mp);
            IOException full = null;
            long written = 0;
            byte[] chunk = new byte[256 * 1024];
            new Random(3).nextBytes(chunk);
            try (FileOutputStream o = new FileOutputStream(mp.resolve("work").resolve("fill").toFile())) {
                for (int i = 0; i < 400; i++) {
                    o.write(chunk);
                    written += chunk.length;
                }
            } catch (IOException e) {
                full = e;
            }
            assertTrue(full != null, "wrote " + written + " bytes into 40 MB without an error");
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
            // Another file fills the rest just as well: the line holds for every writer, to the last byte.
            IOException again = assertThrows(IOException.class, () -> Files.write(mp.resolve("work").resolve("more"), new byte[1 << 20]));
            assertTrue(String.valueOf(again.getMessage()).contains("No space left on device"), again.toString());
            for (int i = 0; i < 4096; i++) {
                try {
                    Files.write(mp.resolve("work").resolve("crumb" + i), new byte[4096]);
                } catch (IOException e) {
                    break;
                }
            }
            Install.Result down = in.cli("--as", ANN, "share", "set", "work", BOB, "--perm", "view");
            assertEquals(0, down.rc(), "a downgrade on a full disk: " + down.err());
            Install.Result kick = in.cli("--as", ANN, "share", "revoke", "work", BOB);
            assertEquals(0, kick.rc(), "a kick-out on a full disk: " + kick.err());
            long end = System.currentTimeMillis() + 5000;
            while (Files.exists(mp.resolve("work")) && System.currentTimeMillis() < end) Install.sleep(20);
            assertFalse(Files.exists(mp.resolve("work")), "the kicked-out folder left the live mount");
            assertEquals(List.of(), list(mp));
            System.out.printf("[faults] full disk: ENOSPC after %d bytes with a %d MiB reserve; downgrade and kick-out worked%n",
                    written, reserve >> 20);
        } finally {
            Install.run(30, "umount", "-l", home.toString());
        }
    }

    // ---- unmount while files are open ---------------------------------------------------------

    @Test
    @Timeout(90)
    void umountWithOpenFilesIsRefusedUnlessForced() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            in.sharing.users().add(null, OWNER, null, false);
            in.sharing.folders().create(OWNER, "docs", null, null, UsageMode.GENERAL);
            Path mp = in.mountPoint("view");
            in.mount(OWNER, mp);
            Files.writeString(mp.resolve("docs").resolve("open.txt"), "busy");
            FileInputStream open = new FileInputStream(mp.resolve("docs").resolve("open.txt").toFile());
            try {
                Install.Result r = in.cli("umount", mp.toString());
                assertEquals(1, r.rc(), r.out() + r.err());
                assertTrue(r.err().contains("files are open") || r.err().contains("busy"), r.err());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertTrue(MountTable.find(mp).isPresent(), "a refused umount must leave the mount");
                assertEquals('b', open.read());
                Install.Result forced = in.cli("umount", "--force", mp.toString());
                assertEquals(0, forced.rc(), forced.err());
                assertFalse(MountTable.find(mp).isPresent());
            } finally {
                // The connection was aborted: what the descriptor still asks of the daemon fails
                // (an fstat: attributes are never cached), where the kernel's page cache cannot
                // answer for it. Its close asks nothing on the kernel engine (FLUSH was answered
                // ENOSYS once: every write had reached storage before it returned), so it succeeds.
                IOException asking = assertThrows(IOException.class, () -> open.getChannel().size(),
                        "fstat through the aborted connection");
                assertEquals("Transport endpoint is not connected", asking.getMessage());
                open.close();
            }
            Install.Result status = in.cli("--json", "node", "status");
            assertEquals(0, status.rc(), status.err());
            assertTrue(status.out().contains("\"mounts\":[]"), "the agent forgot the detached mount: " + status.out());
            // And the path mounts again.
            in.mount(OWNER, mp);
            assertEquals("busy", Files.readString(mp.resolve("docs").resolve("open.txt")));
        }
    }
}
