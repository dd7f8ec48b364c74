package sharefs.fs;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The engine-specific half of a {@link ViewMount}: the filesystem over the view and the FUSE
 * transport serving it. Everything else (the view, its reloads, the ready probe, unmounting)
 * is the same on every engine.
 */
interface ViewServer {
    Engine engine();

    /**
     * Starts serving mp; loop completes when the connection ends (normally 0). A failure that is
     * known at once is thrown as MountException with loop already completed.
     */
    void start(Path mp, CompletableFuture<Integer> loop);

    /** GETATTRs of the view root answered so far: the ready probe counts only one that arrived. */
    long rootProbes();

    int openFiles();

    /** What the kernel said to passthrough on this mount, as `node status` shows it. */
    /** How requests reach the daemon: "device" unless the rings serve them. */
    default String transport() {
        return "device";
    }

    default String passthroughKernel() {
        return "not asked";
    }

    /** Whether writes in owned folders go passthrough (false where a storage reserve is kept). */
    default boolean passthroughWrites() {
        return false;
    }

    /** Releases descriptors and handles once the connection has ended or been detached. */
    void closeAll();
}
