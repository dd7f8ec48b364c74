package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.testing.MountDeadline;
import sharefs.testing.Session;

/**
 * Two simulated machines on one PostgreSQL database and one storage root (issue 11): what is
 * decided on node 1 reaches a live mount on node 2, and what one node's session writes and
 * closes, the other's next open reads in full. The agents' poll is ten minutes long here, so a
 * change that arrives at all arrived by its announcement.
 */
@Tag("postgres")
class TwoNodesTest {
    static final String ANN = "ann@x.io", BOB = "bob@x.io";
    static final int ANN_UID = 1000, BOB_UID = 1001;
    static final Duration LIVE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void aShareADowngradeAndAKickOutOnNodeOneReachALiveMountOnNodeTwo() throws Exception {
        try (TwoNodes nodes = new TwoNodes(tmp, 2, TwoNodes.SLOW_POLL_MILLIS)) {
            nodes.usersAndFolder(ANN, BOB, "proj");
            Path a = nodes.mount(1, ANN, ANN_UID, "ann-on-node1");
            Path b = nodes.mount(2, BOB, BOB_UID, "bob-on-node2");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(150), a, b)) {
                Session ann = new Session(ANN_UID);
                Session bob = new Session(BOB_UID);
                assertEquals("", bob.sh("ls " + b).out(), "nothing shared yet");

                nodes.ok(1, "--as", ANN, "share", "invite", "proj", "--to", BOB, "--perm", "view");
                nodes.ok(1, "--as", BOB, "invitation", "accept", "1");
                Session.Result ls = bob.until("ls " + b, r -> r.out().equals("proj\n"), LIVE);
                assertEquals("proj\n", ls.out(), "the accepted share appears on node 2: " + ls);

                Session.Result wrote = ann.sh("echo hello > " + a + "/proj/notes.txt");
                assertEquals(0, wrote.exit(), wrote.toString());
                assertEquals("hello\n", bob.sh("cat " + b + "/proj/notes.txt").out());
                Session.Result touch = bob.sh("touch " + b + "/proj/mine");
                assertEquals(1, touch.exit(), touch.toString());
                assertTrue(touch.err().contains("Read-only file system"), touch.toString());

                nodes.ok(1, "--as", ANN, "share", "set", "proj", BOB, "--perm", "edit");
                touch = bob.until("touch " + b + "/proj/mine", r -> r.exit() == 0, LIVE);
                assertEquals(0, touch.exit(), "the upgrade reaches node 2: " + touch);

                nodes.ok(1, "--as", ANN, "share", "set", "proj", BOB, "--perm", "view");
                touch = bob.until("touch " + b + "/proj/again", r -> r.exit() != 0, LIVE);
                assertEquals(1, touch.exit(), "the downgrade reaches node 2: " + touch);
                assertTrue(touch.err().contains("Read-only file system"), touch.toString());

                nodes.ok(1, "--as", ANN, "share", "revoke", "proj", BOB);
                ls = bob.until("ls " + b, r -> r.out().isEmpty(), LIVE);
                assertEquals("", ls.out(), "the kick-out reaches node 2: " + ls);
                Session.Result gone = bob.sh("ls " + b + "/proj");
                assertEquals(2, gone.exit(), gone.toString());
                assertTrue(gone.err().contains("No such file or directory"), gone.toString());

                Agent.Info two = nodes.agent(2).info();
                assertTrue(two.announcedChanges() > 0, "node 2 applied announcements: " + two);
            }
        }
    }

    /**
     * Close-to-open across the nodes: every append made and closed by node 1's session is read in
     * full by node 2's next open, the file's size included.
     */
    @Test
    @Timeout(180)
    void whatOneNodeWritesAndClosesTheOtherNodesNextOpenReadsInFull() throws Exception {
        closeToOpen("libfuse2");
    }

    /**
     * The same on the kernel engine, where no notice crosses machines: its attributes are not
     * cached and every open starts with an empty page cache, so an open after the other
     * machine's close sees its bytes and size.
     */
    @Test
    @Timeout(180)
    void whatOneNodeWritesAndClosesTheOtherNodesNextOpenReadsInFull_onTheKernelEngine() throws Exception {
        closeToOpen("kernel");
    }

    private void closeToOpen(String engine) throws Exception {
        try (TwoNodes nodes = new TwoNodes(tmp, 2, TwoNodes.SLOW_POLL_MILLIS)) {
            nodes.usersAndFolder(ANN, BOB, "proj");
            nodes.ok(1, "--as", ANN, "share", "invite", "proj", "--to", BOB, "--perm", "edit-delete");
            nodes.ok(2, "--as", BOB, "invitation", "accept", "1");
            Path a = nodes.mount(1, ANN, ANN_UID, "ann-on-node1", engine);
            Path b = nodes.mount(2, BOB, BOB_UID, "bob-on-node2", engine);
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(150), a, b)) {
                Session ann = new Session(ANN_UID);
                Session bob = new Session(BOB_UID);
                String log = a + "/proj/log", seen = b + "/proj/log";
                assertEquals(0, ann.sh(": > " + log).exit());
                StringBuilder expected = new StringBuilder();
                for (int i = 1; i <= 30; i++) {
                    String line = "line " + i + " from node 1";
                    assertEquals(0, ann.sh("echo '" + line + "' >> " + log).exit());
                    expected.append(line).append('\n');
                    // One session command: the size node 2 reports, then what its next open reads.
                    Session.Result r = bob.sh("stat -c %s " + seen + " && cat " + seen);
                    assertEquals(0, r.exit(), r.toString());
                    assertEquals(expected.length() + "\n" + expected, r.out(), "after append " + i);
                }
                // And back: node 2 writes, node 1 reads.
                assertEquals(0, bob.sh("echo reply >> " + seen).exit());
                assertEquals(expected + "reply\n", ann.sh("cat " + log).out());
            }
        }
    }

    /** `sharefs --db URL --db-password-file F node` hands the password file to the agent process it starts. */
    @Test
    @Timeout(120)
    void anAgentStartedFromTheCliGetsThePasswordFile() throws Exception {
        try (TwoNodes nodes = new TwoNodes(tmp, 0, TwoNodes.SLOW_POLL_MILLIS)) {
            try {
                TwoNodes.Result started = nodes.cli(3, "node");
                assertEquals(0, started.rc(), started.toString());
                TwoNodes.Result status = nodes.cli(3, "node", "status");
                assertEquals(0, status.rc(), status.toString());
                assertTrue(status.out().contains("database reachable, listening for changes"), status.toString());
            } finally {
                nodes.cli(3, "node", "stop");
            }
        }
    }
}
