package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import sharefs.testing.Command;

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
        Command.Result r = Command.run(argv, Duration.ofSeconds(60), Map.of(), StandardCharsets.ISO_8859_1);
        if (r.timedOut()) throw new AssertionError("timed out: " + argv);
        return new Result(r.exit(), r.out(), r.err());
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
