package sharefs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Commands run as a session runs them: a shell as an unprivileged uid with no groups
 * (setpriv), bounded by a timeout. A command that hangs on a FUSE request is in D state and
 * cannot be killed; the mount's {@link MountDeadline} aborts the connection then.
 */
public final class Session {
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", out [" + out.strip() + "], err [" + err.strip() + "]";
        }
    }

    private final int uid;

    public Session(int uid) {
        this.uid = uid;
    }

    /** sh -c SCRIPT as this uid. */
    public Result sh(String script) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(uid), "--regid",
                Integer.toString(uid), "--clear-groups", "--", "timeout", "-k", "5", "20", "sh", "-c", script));
        try {
            Path out = Files.createTempFile("sharefs-session", ".out");
            Path err = Files.createTempFile("sharefs-session", ".err");
            try {
                Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("session command did not finish: " + script);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Runs the script until its result satisfies the condition, for at most the deadline; returns
     * the last result. For live changes only: a test asserts that they arrive, never how fast.
     */
    public Result until(String script, Predicate<Result> done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        Result r = sh(script);
        while (!done.test(r) && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            r = sh(script);
        }
        return r;
    }
}
