package sharefs.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        Command.Result r = Command.run(argv, Duration.ofSeconds(60), Map.of(), StandardCharsets.UTF_8);
        if (r.timedOut()) throw new AssertionError("session command did not finish: " + script);
        return new Result(r.exit(), r.out(), r.err());
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
