package sharefs.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import sharefs.fs.FsLimits;
import sharefs.fs.MountException;
import sharefs.fs.MountRequest;

/**
 * The agent's descriptors, shared out so that no mount can starve another or the agent: each
 * mount is admitted only while the caps of all mounts (open files, directory handles, and what
 * its folders' directory cache may hold) fit under RLIMIT_NOFILE with a reserve for the agent
 * itself (database, socket, log, FUSE devices).
 */
final class DescriptorBudget {
    /** Kept for the agent's own descriptors whatever the mounts take. */
    static final int RESERVE = 1024;
    /** Per mount beyond its caps: its /dev/fuse, folder roots and cached directory descriptors. */
    static final int PER_MOUNT_OVERHEAD = 256;

    private final long limit;
    private long taken;

    DescriptorBudget(long limit) {
        this.limit = limit;
    }

    /** This process's soft RLIMIT_NOFILE (the agent raises it first where it may). */
    static DescriptorBudget ofThisProcess() {
        return new DescriptorBudget(openFilesLimit());
    }

    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: assume the classic default.
        }
        return 1024;
    }

    static int perMount(MountRequest req) {
        FsLimits l = req.limits();
        return l.maxOpenFiles() + l.maxOpenDirs() + PER_MOUNT_OVERHEAD;
    }

    synchronized Grant take(int n) {
        if (taken + n + RESERVE > limit) {
            throw new MountException("the node agent cannot take another mount: its " + limit + " descriptors are promised to its "
                    + "mounts already (" + taken + "); raise its LimitNOFILE or mount with a lower --max-open-files");
        }
        taken += n;
        return new Grant(this, n);
    }

    synchronized long taken() {
        return taken;
    }

    long limit() {
        return limit;
    }

    private synchronized void give(int n) {
        taken -= n;
    }

    /** Descriptors taken for one mount; released once, whoever releases first. */
    static final class Grant {
        static final Grant NONE = new Grant(null, 0);
        private final DescriptorBudget budget;
        private final int n;
        private final AtomicBoolean released = new AtomicBoolean();

        private Grant(DescriptorBudget budget, int n) {
            this.budget = budget;
            this.n = n;
        }

        void release() {
            if (budget != null && released.compareAndSet(false, true)) budget.give(n);
        }
    }
}
