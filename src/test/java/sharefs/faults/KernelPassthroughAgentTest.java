package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * `--passthrough` through the CLI and a node agent process: the kernel engine's default (owned)
 * and what `node status` says of it, the agent's default, and the refusals: a mode that does not
 * exist, and owned or reads on libfuse2, which has no passthrough.
 */
class KernelPassthroughAgentTest {
    static final String ANN = "ann@x.io";

    @TempDir
    Path tmp;

    private static Install.Result as1000(String script) throws Exception {
        return Install.run(30, "setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", "sh", "-c", script);
    }

    @Test
    @Timeout(150)
    void theKernelEngineMountsOwnedByDefault_andNodeStatusSaysTheKernelAcceptedIt_andThatTheReserveKeepsWrites() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.folders().create(ANN, "mine", null, null, UsageMode.GENERAL);
            in.closeDb();
            Path k = in.mountPoint("k");
            Path l = in.mountPoint("l");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(120), k, l)) {
                Install.Result m = in.cli("mount", "--user", ANN, "--uid", "1000", "--gid", "1000", "--engine", "kernel",
                        k.toString());
                assertEquals(0, m.rc(), m.toString());
                // The agent keeps its default reserve here (storage shares the database's filesystem).
                assertTrue(m.out().contains("engine kernel, passthrough owned (accepted; writes through the daemon: storage keeps a reserve))"),
                        m.out());
                Install.Result rw = as1000("printf hello > " + k + "/mine/f && cat " + k + "/mine/f");
                assertEquals(0, rw.rc(), rw.toString());
                assertEquals("hello", rw.out());
                assertEquals(0, in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", "--engine", "libfuse2",
                        l.toString()).rc());

                String json = in.cli("--json", "node", "status").out();
                assertTrue(json.contains("\"engine\":\"kernel\",\"passthrough\":\"owned\",\"passthroughKernel\":\"accepted\","
                        + "\"passthroughWrites\":false"), json);
                assertTrue(json.contains("\"engine\":\"libfuse2\",\"passthrough\":\"off\",\"passthroughKernel\":\"not asked\","
                        + "\"passthroughWrites\":false"), json);
                String text = in.cli("node", "status").out();
                assertTrue(text.lines().anyMatch(x -> x.startsWith(k.toString()) && x.contains(" kernel ")
                        && x.contains(" owned (accepted; writes through the daemon: storage keeps a reserve) ")), text);
                assertTrue(text.lines().anyMatch(x -> x.startsWith(l.toString()) && x.contains(" libfuse2 ")
                        && x.contains(" off ")), text);
                assertEquals(0, in.cli("umount", k.toString()).rc());
                assertEquals(0, in.cli("umount", l.toString()).rc());
            } finally {
                for (Path p : List.of(k, l)) if (MountTable.find(p).isPresent()) Preflight.unmount(p, true);
            }
        }
    }

    @Test
    @Timeout(120)
    void theAgentsPassthroughServesKernelMountsThatNameNone_andWithoutAReserveWritesGoPassthroughToo() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.folders().create(ANN, "mine", null, null, UsageMode.GENERAL);
            in.closeDb();
            Install.Result node = in.cli("node", "--engine", "kernel", "--passthrough", "reads", "--storage-reserve", "0");
            assertEquals(0, node.rc(), node.toString());
            Path k = in.mountPoint("k");
            Path o = in.mountPoint("o");
            try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(100), k, o)) {
                assertEquals(0, in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", k.toString()).rc());
                assertEquals(0, in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", "--passthrough", "off",
                        o.toString()).rc());
                String json = in.cli("--json", "node", "status").out();
                assertTrue(json.contains("\"passthrough\":\"reads\",\"passthroughKernel\":\"accepted\",\"passthroughWrites\":true"),
                        json);
                assertTrue(json.contains("\"passthrough\":\"off\",\"passthroughKernel\":\"not asked\",\"passthroughWrites\":false"),
                        json);
                String text = in.cli("node", "status").out();
                assertTrue(text.lines().anyMatch(x -> x.startsWith(k.toString()) && x.contains(" reads (accepted) ")), text);
                assertEquals(0, in.cli("umount", k.toString()).rc());
                assertEquals(0, in.cli("umount", o.toString()).rc());
            } finally {
                for (Path p : List.of(k, o)) if (MountTable.find(p).isPresent()) Preflight.unmount(p, true);
            }
        }
    }

    @Test
    @Timeout(90)
    void aPassthroughThatDoesNotExist_orOneLibfuse2CannotGive_isAUsageErrorThatChangesNothing() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.closeDb();
            Path b = in.mountPoint("b");
            String bad = "sharefs: --passthrough must be owned, reads or off\n";
            String libfuse = "sharefs: --passthrough %s needs the kernel engine; with --engine libfuse2 only off\n";
            List<List<String>> refused = List.of(
                    List.of("mount", "--user", ANN, "--engine", "kernel", "--passthrough", "all", b.toString()),
                    List.of("mount", "--user", ANN, "--engine", "libfuse2", "--passthrough", "owned", b.toString()),
                    List.of("mount", "--user", ANN, "--passthrough=reads", "--engine=libfuse2", b.toString()),
                    List.of("node", "--passthrough", "Owned"));
            List<String> says = List.of(bad, String.format(libfuse, "owned"), String.format(libfuse, "reads"), bad);
            for (int i = 0; i < refused.size(); i++) {
                Install.Result r = in.cli(refused.get(i).toArray(new String[0]));
                assertEquals(2, r.rc(), r.toString());
                assertEquals(says.get(i), r.err(), r.toString());
                assertFalse(Files.exists(in.run.socket()), "no agent started for " + refused.get(i));
                assertFalse(MountTable.find(b).isPresent());
            }
            // With an agent running (libfuse2 its default), the agent refuses them the same way,
            // and an owned or reads that would land on its default engine too.
            assertEquals(0, in.cli("node", "--engine", "libfuse2").rc(), "an agent whose default engine is libfuse2");
            Path ok = in.mountPoint("ok");
            assertEquals(0, in.cli("mount", "--user", ANN, "--uid", "0", "--gid", "0", "--engine", "libfuse2",
                    "--passthrough", "off", ok.toString()).rc());
            try {
                for (int i = 0; i < 3; i++) {
                    Install.Result r = in.cli(refused.get(i).toArray(new String[0]));
                    assertEquals(2, r.rc(), r.toString());
                    assertEquals(says.get(i), r.err(), r.toString());
                    assertFalse(MountTable.find(b).isPresent());
                }
                Install.Result r = in.cli("mount", "--user", ANN, "--passthrough", "owned", b.toString());
                assertEquals(2, r.rc(), r.toString());
                assertEquals(String.format(libfuse, "owned"), r.err(), r.toString());
                assertFalse(MountTable.find(b).isPresent());
            } finally {
                assertEquals(0, in.cli("umount", ok.toString()).rc());
            }
        }
    }
}
