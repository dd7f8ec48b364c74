package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;
import sharefs.testing.Session;
import sharefs.testing.TestDb;

/**
 * The PostgreSQL server stopped and started under live mounts (issue 11): the mounts keep their
 * last snapshot (never wider), node status says the database is away, calls fail with one line,
 * and once the server is back the agent reconnects by itself and changes flow again.
 */
@Tag("postgres")
class PgOutageTest {
    static final String ANN = "ann@x.io", BOB = "bob@x.io";
    static final int BOB_UID = 1001;
    static final Duration LIVE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    @Timeout(240)
    void mountsKeepTheirSnapshotWhileTheServerIsDownAndChangesFlowOnceItIsBack() throws Exception {
        try (TwoNodes nodes = new TwoNodes(tmp, 1, TwoNodes.SLOW_POLL_MILLIS)) {
            nodes.usersAndFolder(ANN, BOB, "proj");
            nodes.ok(1, "--as", ANN, "folder", "create", "other");
            nodes.ok(1, "--as", ANN, "share", "invite", "proj", "--to", BOB, "--perm", "view");
            nodes.ok(1, "--as", BOB, "invitation", "accept", "1");
            Path b = nodes.mount(1, BOB, BOB_UID, "bob");
            Session bob = new Session(BOB_UID);
            Agent agent = nodes.agent(1);
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(200), b)) {
                assertEquals(0, bob.sh("ls " + b + "/proj").exit());
                awaitTrue(() -> agent.info().announcementsDown() == null, "the agent listens for changes");
                cluster("stop");
                try {
                    awaitTrue(() -> !agent.info().databaseReachable() && agent.info().announcementsDown() != null,
                            "node status says the database is away");
                    Agent.Info info = agent.info();
                    assertFalse(info.databaseReachable(), info.toString());
                    assertNotNull(info.announcementsDown(), info.toString());

                    // The last snapshot, and never more than it allowed.
                    assertEquals("proj\n", bob.sh("ls " + b).out());
                    Session.Result touch = bob.sh("touch " + b + "/proj/new");
                    assertEquals(1, touch.exit(), touch.toString());
                    assertTrue(touch.err().contains("Read-only file system"), touch.toString());

                    TwoNodes.Result call = nodes.cli(1, "--as", ANN, "share", "set", "proj", BOB, "--perm", "edit");
                    assertEquals(1, call.err().strip().lines().count(), "one line: " + call);
                    assertTrue(call.err().startsWith("sharefs: "), call.toString());
                    assertTrue(call.rc() != 0, call.toString());
                    TwoNodes.Result status = nodes.ok(1, "node", "status");
                    assertTrue(status.out().contains("database UNREACHABLE"), status.out());
                    assertTrue(status.out().contains("NOT HEARING CHANGES"), status.out());
                } finally {
                    cluster("start");
                }
                awaitTrue(() -> agent.info().databaseReachable() && agent.info().announcementsDown() == null,
                        "the agent reconnects by itself");
                assertTrue(nodes.ok(1, "node", "status").out().contains("database reachable, listening for changes"));

                // The refused call changed nothing; changes made now reach the mount by announcement.
                assertEquals(1, bob.sh("touch " + b + "/proj/new").exit());
                nodes.ok(1, "--as", ANN, "share", "invite", "other", "--to", BOB, "--perm", "view");
                nodes.ok(1, "--as", BOB, "invitation", "accept", "2");
                Session.Result ls = bob.until("ls " + b, r -> r.out().equals("other\nproj\n"), LIVE);
                assertEquals("other\nproj\n", ls.out(), ls.toString());
                nodes.ok(1, "--as", ANN, "share", "revoke", "proj", BOB);
                ls = bob.until("ls " + b, r -> r.out().equals("other\n"), LIVE);
                assertEquals("other\n", ls.out(), ls.toString());
            }
        }
    }

    private static void cluster(String verb) throws Exception {
        Process p = new ProcessBuilder(List.of("scripts/pg-cluster", verb, TestDb.clusterDir().toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "pg-cluster " + verb + " finished");
        assertEquals(0, p.exitValue(), "pg-cluster " + verb + ": " + out);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + LIVE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + LIVE + ": " + what);
            Thread.sleep(50);
        }
    }
}
