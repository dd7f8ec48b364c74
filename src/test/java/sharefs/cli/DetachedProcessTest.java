package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's spawn: stdout to us, stderr appended to the log, a session of its own, nothing else inherited. */
class DetachedProcessTest {
    @Test
    void stdoutIsOursStderrGoesToTheLogAndTheExitCodeIsReaped(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("d.log");
        Files.writeString(log, "earlier\n");
        String script = "echo out-line; echo err-line >&2; read x; echo \"stdin:[$x]\"; exit 3";
        try (DetachedProcess p = DetachedProcess.start(List.of("sh", "-c", script), log)) {
            List<String> lines = read(p);
            assertEquals(List.of("out-line", "stdin:[]"), lines, "stdin is /dev/null");
            assertEquals(3, p.reap());
        }
        assertEquals("earlier\nerr-line\n", Files.readString(log), "stderr is appended, not truncated");
    }

    @Test
    void runsInItsOwnSessionWithOnlyItsThreeDescriptors(@TempDir Path dir) throws IOException {
        String script = "cut -d' ' -f6 /proc/$$/stat; ls /proc/self/fd";
        try (DetachedProcess p = DetachedProcess.start(List.of("sh", "-c", script), dir.resolve("d.log"))) {
            List<String> lines = read(p);
            long sid = Long.parseLong(lines.get(0).trim());
            assertEquals(p.pid(), sid, "the child leads its own session");
            assertNotEquals(ProcessHandle.current().pid(), sid);
            // 0, 1, 2 and the descriptor ls opened to list the directory: no JVM descriptor leaked.
            assertTrue(lines.subList(1, lines.size()).stream().allMatch(s -> s.matches("[0-3]")), lines.toString());
            assertEquals(0, p.reap());
        }
    }

    @Test
    void aMissingProgramIsAnError(@TempDir Path dir) {
        assertThrows(IOException.class, () -> DetachedProcess.start(List.of("no-such-program-sharefs"), dir.resolve("d.log")));
    }

    private static List<String> read(DetachedProcess p) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
