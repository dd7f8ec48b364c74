package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fs.MountTable;

/** `sharefs mount --foreground` unmounts cleanly on SIGTERM and SIGINT, and the path mounts again. */
class SignalUnmountTest {
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    @Timeout(120)
    void foregroundMountUnmountsOnSignal(String signal, @TempDir Path dir) throws Exception {
        try (Install in = Install.withAgentInProcess(dir)) {
            in.sharing.users().add(null, "a@x.io", null, false);
            in.sharing.folders().create("a@x.io", "tests", null, null, sharefs.sharing.UsageMode.GENERAL);
            Path mp = in.mountPoint("view");
            Process p = new ProcessBuilder(in.cliProcess("mount", "--foreground", "--user", "a@x.io",
                    "--uid", "0", "--gid", "0", mp.toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String ready = readReady(p);
                assertNotNull(ready, "the foreground mount said it was live");
                assertTrue(Files.isDirectory(mp.resolve("tests")), "the view is served");
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the daemon exited after SIG" + signal);
                // The JVM ends on the signal once its shutdown hook has hung up and the agent has
                // unmounted: the shell's 128 + signal number, one status per signal.
                assertEquals(signal.equals("TERM") ? 128 + 15 : 128 + 2, p.exitValue(), "exit status after SIG" + signal);
                assertFalse(MountTable.find(mp).isPresent(), "nothing left mounted after SIG" + signal);
                assertFalse(Files.exists(mp.resolve("tests")), "the mountpoint is an empty directory again");
                in.mount("a@x.io", mp);
                assertTrue(Files.isDirectory(mp.resolve("tests")), "the same path mounts again");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static String readReady(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String l = r.readLine(); l != null; l = r.readLine()) {
            if (l.startsWith("mounted:")) return l;
        }
        return null;
    }
}
