package sharefs.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command for a test: stdin from /dev/null, stdout and stderr kept (through files, so a
 * chatty command never blocks on a full pipe), bounded by a timeout after which it is killed.
 * Callers decide what a timeout means to them.
 */
public final class Command {
    public record Result(int exit, String out, String err, boolean timedOut) {
    }

    private Command() {
    }

    /** env: added to this process's environment; charset: how to read the output (ISO-8859-1 keeps raw bytes). */
    public static Result run(List<String> argv, Duration timeout, Map<String, String> env, Charset charset) {
        try {
            Path out = Files.createTempFile("sharefs-test", ".out");
            Path err = Files.createTempFile("sharefs-test", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().putAll(env);
                Process p = pb.start();
                boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
                return new Result(ended ? p.exitValue() : -1, Files.readString(out, charset), Files.readString(err, charset), !ended);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + argv, e);
        }
    }
}
