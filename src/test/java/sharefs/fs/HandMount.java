package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.SharingGrantSource;
import sharefs.backing.FolderRoot;

/**
 * A SharefsFs the test builds and mounts itself (the way ViewMount does, on JvmThreadLoop), so
 * its limits and cache times are the test's to choose, its tables are there to inspect, and its
 * operations can also be called directly. The view is reloaded only when the test calls
 * {@link #reload}.
 */
final class HandMount implements AutoCloseable {
    private static final long READY_MS = 20_000;

    final SharefsFs fs;
    final LiveView view;
    final Path mnt;
    private final FolderRoot storage;
    private final CompletableFuture<Void> loop = new CompletableFuture<>();

    private HandMount(SharefsFs fs, LiveView view, Path mnt, FolderRoot storage) {
        this.fs = fs;
        this.view = view;
        this.mnt = mnt;
        this.storage = storage;
    }

    static HandMount of(Mounts env, String email, String mountName, FsLimits limits, double cacheSeconds) throws IOException {
        LiveView view = new LiveView(new SharingGrantSource(env.sharing, env.sharing.users().get(email).id()),
                MountScope.ALL, env.home::folderDir);
        view.load();
        return of(env, view, mountName, limits, cacheSeconds);
    }

    /** Over a view the test made (and loaded) itself, e.g. over a source that can be made to fail. */
    static HandMount of(Mounts env, LiveView view, String mountName, FsLimits limits, double cacheSeconds) throws IOException {
        FolderRoot storage = FolderRoot.open(env.home.storage());
        SharefsFs fs = new SharefsFs(view, storage, Mounts.UID, Mounts.GID, (o, n) -> -Px.EPERM, limits);
        view.onChange(fs::viewChanged);
        Path mnt = env.mountPoint(mountName);
        env.track(mnt);
        HandMount m = new HandMount(fs, view, mnt, storage);
        m.start(cacheSeconds);
        return m;
    }

    private void start(double cacheSeconds) {
        Thread t = new Thread(() -> {
            try {
                JvmThreadLoop jvmLoop = JvmThreadLoop.load();
                if (jvmLoop == null) fs.mount(mnt, true, false, MountOptions.of(cacheSeconds));
                else jvmLoop.run(fs.operations(), mnt, MountOptions.of(cacheSeconds));
                loop.complete(null);
            } catch (Throwable e) {
                loop.completeExceptionally(e);
            }
        }, "test-fuse-loop");
        t.setDaemon(true);
        t.start();
        long deadline = System.currentTimeMillis() + READY_MS;
        while (!(MountTable.find(mnt).map(MountTable::isSharefs).orElse(false) && Px.lstatErrno(mnt) == 0 && fs.rootProbes() > 0)) {
            if (loop.isDone()) fail("the hand-built mount of " + mnt + " ended at once: " + loop);
            if (System.currentTimeMillis() > deadline) fail("the hand-built mount of " + mnt + " did not answer");
            Mounts.sleep(10);
        }
        // Called directly, outside libfuse's request loop, operations read a zeroed FUSE context
        // (libfuse makes one per thread on demand): they run as root. Tests rely on that.
        assertEquals(0, fs.getContext().uid.get(), "direct calls must see uid 0");
    }

    void reload() {
        view.load();
    }

    /** A fuse_file_info for calling operations directly; flags as open(2) takes them. */
    static FuseFileInfo fileInfo(int flags) {
        FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64, true));
        fi.flags.set(flags);
        return fi;
    }

    @Override
    public void close() {
        String err = Preflight.unmount(mnt, false);
        if (err != null) Preflight.unmount(mnt, true);
        try {
            loop.get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Detached lazily; the loop ends when the kernel lets go.
        }
        Mounts.forceUnmount(mnt);
        view.close();
        fs.closeAll();
        storage.close();
    }
}
