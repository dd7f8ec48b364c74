package sharefs.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's process-wide settings: a private umask and room for every mount's descriptors. */
final class ProcessLimits {
    private static final Logger log = LoggerFactory.getLogger(ProcessLimits.class);
    private static final int RLIMIT_NOFILE = 7;
    /** Enough for a few hundred mounts at their default caps. */
    private static final long WANTED_FILES = 1L << 20;

    private ProcessLimits() {
    }

    /**
     * Files the agent makes itself (database, logs, state) are its own alone. FUSE workers set
     * their own umask, per thread, to what the caller asked for.
     */
    static void privateUmask() {
        sharefs.backing.Native.libc().umask(077);
    }

    /** Raises RLIMIT_NOFILE towards 2^20 (fs.nr_open caps it); where not allowed, keeps what it has. */
    static long raiseOpenFiles() {
        NodeLibC c = NodeLibC.get();
        long[] now = new long[2];
        if (c.getrlimit(RLIMIT_NOFILE, now) != 0) return openFiles();
        long want = Math.min(WANTED_FILES, nrOpen());
        if (now[0] >= want) return now[0];
        long[] raised = {want, Math.max(want, now[1])};
        if (c.setrlimit(RLIMIT_NOFILE, raised) != 0) {
            // Not allowed to raise the hard limit: take the soft one up to it.
            long[] soft = {now[1], now[1]};
            if (now[0] < now[1] && c.setrlimit(RLIMIT_NOFILE, soft) == 0) return now[1];
            log.warn("open files stay limited to {} (raising to {} failed, errno {})", now[0], want, NodeLibC.errno());
            return now[0];
        }
        return want;
    }

    /** This process's soft RLIMIT_NOFILE, from /proc (no native call needed). */
    static long openFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE / 4 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: assume the classic default.
        }
        return 1024;
    }

    private static long nrOpen() {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).trim());
        } catch (IOException | NumberFormatException e) {
            return 1L << 20;
        }
    }
}
