package sharefs.fs;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A view served by jnr-fuse on libfuse 2.9: the default engine. */
final class LibfuseServer implements ViewServer {
    private final SharefsFs fs;
    private final double cacheSeconds;

    LibfuseServer(SharefsFs fs, double cacheSeconds) {
        this.fs = fs;
        this.cacheSeconds = cacheSeconds;
    }

    @Override
    public Engine engine() {
        return Engine.LIBFUSE2;
    }

    @Override
    public void start(Path mp, CompletableFuture<Integer> loop) {
        Thread t = new Thread(() -> {
            try {
                JvmThreadLoop jvmLoop = JvmThreadLoop.load();
                if (jvmLoop == null) {
                    fs.mount(mp, true, false, MountOptions.of(cacheSeconds));
                    loop.complete(0);
                } else {
                    int rc = jvmLoop.run(fs.operations(), mp, MountOptions.of(cacheSeconds));
                    if (rc == 0) loop.complete(0);
                    else loop.completeExceptionally(MountException.byLibfuse("libfuse could not mount " + mp));
                }
            } catch (Throwable e) {
                loop.completeExceptionally(e);
            }
        }, "sharefs-fuse-loop");
        t.setDaemon(false);
        t.start();
    }

    @Override
    public long rootProbes() {
        return fs.rootProbes();
    }

    @Override
    public int openFiles() {
        return fs.openFileCount();
    }

    @Override
    public void closeAll() {
        fs.closeAll();
    }
}
