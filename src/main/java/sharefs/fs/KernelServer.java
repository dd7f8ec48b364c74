package sharefs.fs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import sharefs.fuse.kernel.Session;
import sharefs.fuse.kernel.SessionConfig;

/**
 * A view served by the kernel-protocol engine (`--engine kernel`). The mount is made and INIT
 * negotiated before start returns, so a kernel the engine cannot speak to (older than FUSE 7.31)
 * is refused there, with the mount already taken down: never a half-mounted path.
 */
final class KernelServer implements ViewServer {
    private final KernelViewFs fs;
    private final boolean uring;
    private volatile Session session;

    /** uring: serve requests through FUSE over io_uring where the kernel offers it. */
    KernelServer(KernelViewFs fs, boolean uring) {
        this.fs = fs;
        this.uring = uring;
    }

    /** Entry timeout inside folders for --cache-seconds. */
    static long entryNanos(double cacheSeconds) {
        return Math.round(cacheSeconds * 1e9);
    }

    @Override
    public Engine engine() {
        return Engine.KERNEL;
    }

    @Override
    public void start(Path mp, CompletableFuture<Integer> loop) {
        Session s;
        try {
            s = Session.mount(mp, fs, SessionConfig.defaults().withPassthrough(fs.wantsPassthrough()).withUring(uring));
        } catch (RuntimeException e) {
            loop.completeExceptionally(e);
            String why = e.getMessage() + " (the kernel engine cannot serve it; --engine libfuse2 may)";
            throw e instanceof sharefs.fuse.kernel.FuseException f && f.unsupportedHere()
                    ? MountException.kernelEngineUnsupported(why, e) : new MountException(why, e);
        }
        session = s;
        fs.attach(s);
        Thread t = new Thread(() -> {
            try {
                while (!s.awaitEnd(Duration.ofMinutes(10))) {
                    // Still serving: keep waiting for the connection to end.
                }
                loop.complete(0);
            } catch (Throwable e) {
                loop.completeExceptionally(e);
            }
        }, "sharefs-kernel-session");
        t.setDaemon(false);
        t.start();
    }

    @Override
    public long rootProbes() {
        return fs.rootProbes();
    }

    @Override
    public String transport() {
        Session s = session;
        if (s == null || !s.uring().asked()) return "device";
        sharefs.fuse.kernel.UringStatus u = s.uring();
        return u.serving() ? "io_uring (" + u.queues() + (u.queues() == 1 ? " queue)" : " queues)") : "device (io_uring " + u.describe() + ")";
    }

    @Override
    public String passthroughKernel() {
        return fs.passthroughStatus().describe();
    }

    @Override
    public boolean passthroughWrites() {
        return fs.passthroughWrites();
    }

    @Override
    public int openFiles() {
        return fs.openFileCount();
    }

    @Override
    public void closeAll() {
        Session s = session;
        if (s != null) s.release();
        fs.closeAll();
    }
}
