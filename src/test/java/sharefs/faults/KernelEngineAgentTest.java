package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;
import sharefs.sharing.UsageMode;
import sharefs.testing.MountDeadline;

/**
 * `sharefs mount --engine kernel` through the CLI and a node agent process: what a session meets
 * (uid 1000 reads and writes, a kick-out gone at once although root entries are cached for an
 * hour on this engine), what `node status` says, both unmounts, the agent's default engine, and
 * the refusal of an engine that does not exist.
 */
class KernelEngineAgentTest {
    static final String ANN = "ann@x.io", BOB = "bob@x.io";

    @TempDir
    Path tmp;

    private static Install.Result as1000(String script) throws Exception {
        return Install.run(30, "setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", "sh", "-c", script);
    }

    private static void shareWithBob(Install in) {
        in.sharing.users().add(null, ANN, null, false);
        in.sharing.users().add(null, BOB, null, false);
        in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
        long inv = in.sharing.invitations().invite(ANN, "tests", List.of(BOB), sharefs.sharing.Permission.EDIT_DELETE)
                .get(0).invitationId();
        in.sharing.invitations().accept(BOB, inv);
    }

    @Test
    @Timeout(180)
    void aKernelEngineMountServesUid1000LosesAKickOutAtOnceAndUnmountsBothWays() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            shareWithBob(in);
            in.closeDb();
            Path b = in.mountPoint("b");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(150), b)) {
                Install.Result m = in.cli("mount", "--user", BOB, "--uid", "1000", "--gid", "1000", "--engine", "kernel",
                        b.toString());
                assertEquals(0, m.rc(), m.toString());
                assertTrue(m.out().contains("engine kernel"), m.out());
                assertEquals("fuse.sharefs", MountTable.find(b).orElseThrow().fsType());

                Install.Result rw = as1000("printf hello > " + b + "/tests/f && cat " + b + "/tests/f && ls " + b);
                assertEquals(0, rw.rc(), rw.toString());
                assertEquals("hellotests\n", rw.out());

                Install.Result json = in.cli("--json", "node", "status");
                assertEquals(0, json.rc(), json.err());
                assertTrue(json.out().contains("\"engine\":\"kernel\""), json.out());
                assertFalse(json.out().contains("libfuse2"), json.out());
                Install.Result text = in.cli("node", "status");
                assertEquals(0, text.rc(), text.err());
                assertTrue(text.out().lines().anyMatch(l -> l.startsWith(b.toString()) && l.contains(" kernel ")), text.out());

                // The root entry is cached for an hour on this engine: only the agent's invalidation
                // can make the folder vanish within the await below.
                assertEquals(0, as1000("test -d " + b + "/tests").rc());
                Install.Result kick = in.cli("--as", ANN, "share", "revoke", "tests", BOB);
                assertEquals(0, kick.rc(), kick.err());
                Install.await("the kicked-out folder gone from the mount", 10_000,
                        () -> as1000("test -e " + b + "/tests").rc() == 1 && as1000("ls -A " + b).out().isEmpty());

                Install.Result off = in.cli("umount", b.toString());
                assertEquals(0, off.rc(), off.toString());
                assertFalse(MountTable.find(b).isPresent(), "umount took it down");

                // Again, with a file held open: a plain umount is refused, --force detaches and aborts.
                assertEquals(0, in.cli("--as", ANN, "share", "invite", "tests", "--to", BOB, "--perm", "view").rc());
                assertEquals(0, in.cli("--as", BOB, "invitation", "accept", "2").rc());
                Install.Result again = in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", "--engine", "kernel",
                        b.toString());
                assertEquals(0, again.rc(), again.toString());
                FileInputStream held = new FileInputStream(b.resolve("tests").resolve("f").toFile());
                try {
                    assertEquals('h', held.read());
                    Install.Result busy = in.cli("umount", b.toString());
                    assertEquals(1, busy.rc(), busy.toString());
                    assertTrue(busy.err().contains("files are open in it"), busy.err());
                    assertTrue(MountTable.find(b).isPresent(), "a refused umount leaves the mount");
                    Install.Result forced = in.cli("umount", "--force", b.toString());
                    assertEquals(0, forced.rc(), forced.toString());
                    assertFalse(MountTable.find(b).isPresent(), "umount --force took it down");
                } finally {
                    // The connection was aborted, not only detached: even the close's FLUSH is refused.
                    IOException closing = assertThrows(IOException.class, held::close);
                    assertEquals("Transport endpoint is not connected", closing.getMessage());
                }
                Install.Result none = in.cli("--json", "node", "status");
                assertFalse(none.out().contains(b.toString()), none.out());
            } finally {
                if (MountTable.find(b).isPresent()) Preflight.unmount(b, true);
            }
        }
    }

    /**
     * Two users' kernel-engine mounts served by one agent process tell each other what they
     * change: in one shell, a name stat'ed through Bob's mount (its entry cached there for half a
     * second) and then removed or renamed through Ann's is gone from Bob's at once.
     */
    @Test
    @Timeout(120)
    void twoKernelMountsOfOneAgent_seeEachOthersRemovalsAndRenamesAtOnce() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            shareWithBob(in);
            in.closeDb();
            Path a = in.mountPoint("a");
            Path b = in.mountPoint("b");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(100), a, b)) {
                assertEquals(0, in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", "--engine", "kernel",
                        a.toString()).rc());
                assertEquals(0, in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", "--engine", "kernel",
                        b.toString()).rc());
                String ta = a + "/tests", tb = b + "/tests";
                Install.Result r = Install.run(30, "sh", "-c", "echo one > " + ta + "/gone && echo two > " + ta + "/old"
                        + " && stat -c %s " + tb + "/gone " + tb + "/old"
                        + " && rm " + ta + "/gone && mv " + ta + "/old " + ta + "/new"
                        + " && { test -e " + tb + "/gone; echo gone $?; test -e " + tb + "/old; echo old $?; cat " + tb + "/new; }");
                assertEquals(0, r.rc(), r.toString());
                assertEquals("4\n4\ngone 1\nold 1\ntwo\n", r.out(), r.toString());
                assertEquals(0, in.cli("umount", a.toString()).rc());
                assertEquals(0, in.cli("umount", b.toString()).rc());
            } finally {
                for (Path p : List.of(a, b)) if (MountTable.find(p).isPresent()) Preflight.unmount(p, true);
            }
        }
    }

    /** No --engine on the mount nor on the agent it starts: this kernel speaks FUSE 7.45, so the kernel engine serves. */
    @Test
    @Timeout(120)
    void withNoEngineNamedAnywhere_theKernelEngineServes() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            shareWithBob(in);
            in.closeDb();
            Path d = in.mountPoint("d");
            try (MountDeadline deadline = MountDeadline.of(Duration.ofSeconds(100), d)) {
                Install.Result m = in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", d.toString());
                assertEquals(0, m.rc(), m.toString());
                assertTrue(m.out().contains("engine kernel"), m.out());
                String json = in.cli("--json", "node", "status").out();
                assertEquals(1, count(json, "\"engine\":\"kernel\""), json);
                assertEquals(0, count(json, "libfuse2"), json);
                assertEquals(List.of("tests"), List.of(d.toFile().list()));
                assertEquals(0, in.cli("umount", d.toString()).rc());
            } finally {
                if (MountTable.find(d).isPresent()) Preflight.unmount(d, true);
            }
        }
    }

    @Test
    @Timeout(120)
    void theAgentsEngineServesMountsThatNameNone() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            shareWithBob(in);
            in.closeDb();
            // The kernel engine is the default on this kernel (FUSE 7.45): the agent's --engine libfuse2 overrides it.
            Install.Result node = in.cli("node", "--engine", "libfuse2");
            assertEquals(0, node.rc(), node.toString());
            Path k = in.mountPoint("k");
            Path l = in.mountPoint("l");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(100), k, l)) {
                Install.Result named = in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", "--engine", "kernel", k.toString());
                assertEquals(0, named.rc(), named.toString());
                assertTrue(named.out().contains("engine kernel"), named.out());
                Install.Result none = in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", l.toString());
                assertEquals(0, none.rc(), none.toString());
                assertTrue(none.out().contains("engine libfuse2"), none.out());
                String json = in.cli("--json", "node", "status").out();
                assertEquals(1, count(json, "\"engine\":\"kernel\""), json);
                assertEquals(1, count(json, "\"engine\":\"libfuse2\""), json);
                assertEquals(List.of("tests"), List.of(k.toFile().list()));
                assertEquals(0, in.cli("umount", k.toString()).rc());
                assertEquals(0, in.cli("umount", l.toString()).rc());
            } finally {
                for (Path p : List.of(k, l)) if (MountTable.find(p).isPresent()) Preflight.unmount(p, true);
            }
        }
    }

    @Test
    @Timeout(60)
    void anEngineThatDoesNotExistIsRefusedInOneLineAndStartsNothing() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, BOB, null, false);
            in.closeDb();
            Path b = in.mountPoint("b");
            for (List<String> argv : List.of(List.of("mount", "--user", BOB, "--engine", "fuse3", b.toString()),
                    List.of("mount", "--user", BOB, "--engine=", b.toString()),
                    List.of("node", "--engine", "Kernel"))) {
                Install.Result r = in.cli(argv.toArray(new String[0]));
                assertEquals(2, r.rc(), r.toString());
                assertEquals("sharefs: --engine must be kernel or libfuse2\n", r.err(), r.toString());
                assertFalse(Files.exists(in.run.socket()), "no agent started for " + argv);
                assertFalse(MountTable.find(b).isPresent());
            }
            // With an agent running, the agent refuses it the same way.
            Path ok = in.mountPoint("ok");
            assertEquals(0, in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", ok.toString()).rc());
            try {
                Install.Result r = in.cli("mount", "--user", BOB, "--engine", "fuse3", b.toString());
                assertEquals(2, r.rc(), r.toString());
                assertEquals("sharefs: --engine must be kernel or libfuse2\n", r.err(), r.toString());
                assertFalse(MountTable.find(b).isPresent());
                assertNotEquals(0, in.cli("umount", b.toString()).rc());
            } finally {
                assertEquals(0, in.cli("umount", ok.toString()).rc());
            }
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
