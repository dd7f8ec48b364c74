package sharefs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The uid/gid of this process, read from /proc (the JDK has no portable call for them). */
final class Ids {
    private Ids() {
    }

    static long current(String which) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String key = which.equals("-u") ? "Uid:" : "Gid:";
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // Fall through to the error below.
        }
        throw new IllegalStateException("cannot tell this process's " + (which.equals("-u") ? "uid" : "gid") + "; give --uid/--gid");
    }
}
