package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's tapped stderr: what it and its children (fusermount) write still reaches the real
 * stderr, and libfuse's lines are kept for a failed mount's answer. Run in a JVM of its own, since
 * the tap takes over fd 2 of its process.
 */
class StderrTapTest {
    /** The child: taps, writes as libfuse and fusermount would, prints what the tap kept. */
    public static void main(String[] args) throws Exception {
        StderrTap tap = StderrTap.install();
        if (tap == null) {
            System.out.println("no tap");
            return;
        }
        long mark = tap.mark();
        System.err.println("fuse: mountpoint is not empty");
        System.err.flush();
        Process child = new ProcessBuilder("sh", "-c", "echo 'fusermount: failed to access mountpoint /m: Permission denied' >&2")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        child.waitFor();
        System.err.println("an unrelated line");
        long end = System.currentTimeMillis() + 5000;
        List<String> words = tap.fuseLinesSince(mark);
        while (words.size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(10);
            words = tap.fuseLinesSince(mark);
        }
        for (String w : words) System.out.println("kept: " + w);
    }

    @Test
    @Timeout(60)
    void libfusesLinesAreKeptAndEverythingStillReachesStderr() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), StderrTapTest.class.getName()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + err);
        assertEquals(List.of("kept: fuse: mountpoint is not empty",
                "kept: fusermount: failed to access mountpoint /m: Permission denied"), out.lines().toList());
        for (String line : List.of("fuse: mountpoint is not empty", "fusermount: failed to access mountpoint /m: Permission denied",
                "an unrelated line")) {
            assertTrue(err.contains(line), "still on the real stderr: " + line + " in " + err);
        }
    }
}
