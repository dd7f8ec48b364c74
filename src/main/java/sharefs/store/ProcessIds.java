package sharefs.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective uid, read from /proc (the JDK has no call for it, and loading libc costs a CLI call 0.1 s). */
public final class ProcessIds {
    private ProcessIds() {
    }

    public static long euid() {
        return field("Uid:");
    }

    public static long egid() {
        return field("Gid:");
    }

    /** The second (effective) id of a "Uid:"/"Gid:" line of /proc/self/status. */
    private static long field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot read this process's ids from /proc/self/status: " + e, e);
        }
        throw new StoreException("no " + key + " line in /proc/self/status", null);
    }
}
