package sharefs.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.SharingGrantSource;
import sharefs.backing.FolderRoot;
import sharefs.fuse.kernel.Session;
import sharefs.fuse.kernel.SessionConfig;
import sharefs.sharing.User;

/**
 * One user's view served by {@link KernelViewFs} on the kernel engine, over an installation of
 * {@link Mounts}: the core of what `sharefs mount --engine kernel` does (ViewMount, KernelServer),
 * without the agent: its reloads are the test's {@link #reload} here. Every mount has a deadline: past it the FUSE
 * connection is aborted, so a request never answered cannot wedge the machine.
 */
final class KernelViewMount implements AutoCloseable {
    final Path mountPoint;
    final LiveView view;
    final KernelViewFs fs;
    final Session session;
    private final FolderRoot storage;
    private final Thread deadline;
    private volatile boolean closed;

    private KernelViewMount(Path mountPoint, LiveView view, KernelViewFs fs, Session session, FolderRoot storage,
                            Duration limit) {
        this.mountPoint = mountPoint;
        this.view = view;
        this.fs = fs;
        this.session = session;
        this.storage = storage;
        this.deadline = new Thread(() -> {
            long end = System.nanoTime() + limit.toNanos();
            while (!closed && System.nanoTime() < end) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (closed) return;
            System.err.println("test deadline of " + limit + " passed: aborting the FUSE connection of " + mountPoint);
            session.abort();
        }, "kernel-view-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }

    static KernelViewMount mount(Mounts env, String email, Path mp, Duration limit) throws IOException {
        return mount(env, email, mp, limit, FsLimits.DEFAULT, Lent.nothing());
    }

    /** With these caps, paying its descriptors from lent's account (a small budget, for tests of running out). */
    static KernelViewMount mount(Mounts env, String email, Path mp, Duration limit, FsLimits limits, Lent lent)
            throws IOException {
        // As the agent mounts it unless told otherwise: the kernel engine's default is owned.
        return mount(env, email, mp, limit, limits, lent, Passthrough.OWNED);
    }

    /** With passthrough mode pt (PassthroughPolicy). */
    static KernelViewMount mount(Mounts env, String email, Path mp, Duration limit, FsLimits limits, Lent lent,
                                 Passthrough pt) throws IOException {
        return mount(env, email, mp, limit, limits, lent, pt, 0);
    }

    /**
     * With the node pruner told the kernel speaks FUSE 7.pruneMinor (0: what it really speaks), to
     * run an older kernel's way of pruning on this one.
     */
    static KernelViewMount mount(Mounts env, String email, Path mp, Duration limit, FsLimits limits, Lent lent,
                                 Passthrough pt, int pruneMinor) throws IOException {
        User user = env.sharing.users().get(email);
        LiveView view = new LiveView(new SharingGrantSource(env.sharing, user.id()), new MountScope(null, Set.of()),
                env.home::folderDir);
        view.load();
        FolderRoot storage = FolderRoot.open(env.home.storage());
        KernelViewFs fs = new KernelViewFs(view, storage, Mounts.UID, Mounts.GID, ViewMount.renamer(env.sharing, email),
                limits, lent, mp.getFileName().toString(), KernelReadFs.ENTRY_NANOS, pt);
        view.onChange(fs::viewChanged);
        Session s;
        try {
            // As the agent mounts it: through FUSE over io_uring unless lent says otherwise.
            s = Session.mount(mp, fs, SessionConfig.defaults().withPassthrough(fs.wantsPassthrough()).withUring(lent.uring()));
        } catch (RuntimeException e) {
            fs.closeAll();
            storage.close();
            throw e;
        }
        fs.attach(s, pruneMinor > 0 ? pruneMinor : s.negotiated().kernelMinor());
        return new KernelViewMount(mp, view, fs, s, storage, limit);
    }

    /** What the agent does when a change touched this user: reload, and let the listener notify. */
    void reload() throws InterruptedException {
        if (!view.reload()) throw new AssertionError("the view of " + mountPoint + " could not be reloaded");
        if (!fs.invalidationsSent(10_000)) throw new AssertionError("invalidations not sent within 10 s");
    }

    void abort() {
        session.abort();
    }

    @Override
    public void close() {
        try {
            session.close();
            try {
                if (!session.awaitEnd(Duration.ofSeconds(10))) session.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closed = true;
            deadline.interrupt();
            fs.closeAll();
            view.close();
            storage.close();
        }
    }
}
