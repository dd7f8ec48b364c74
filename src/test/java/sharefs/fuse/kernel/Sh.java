package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command as a person would, with a timeout, and keeps its exit code and output. */
final class Sh {
    record Result(int exit, String out, String err) {
    }

    private Sh() {
    }

    static Result sh(String script) {
        return run(List.of("sh", "-c", script));
    }

    static Result run(List<String> argv) {
        try {
            Path out = Files.createTempFile("kernel-test", ".out");
            Path err = Files.createTempFile("kernel-test", ".err");
            try {
                Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + argv);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + argv, e);
        }
    }

    /** Whether the kernel lists a mount at mp now. */
    static boolean mounted(Path mp) throws IOException {
        String want = mp.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && Mountinfo.unescape(f[4]).equals(want)) return true;
        }
        return false;
    }
}
