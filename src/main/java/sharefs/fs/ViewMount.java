package sharefs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.SharingGrantSource;
import sharefs.backing.Errno;
import sharefs.backing.FolderRoot;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Names;
import sharefs.sharing.Sharing;
import sharefs.sharing.SharingException;
import sharefs.sharing.User;

/**
 * One live mount of a user's home view: the in-memory view with its poller, and the filesystem
 * on the engine the request names ({@link ViewServer}). {@link #mount} returns only once a probe
 * has reached the filesystem.
 */
public final class ViewMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewMount.class);
    private static final long READY_TIMEOUT_MS = 20_000;

    private final MountRequest request;
    private final long userId;
    private final LiveView view;
    private final ViewServer fs;
    private final FolderRoot storageRoot;
    private final CompletableFuture<Integer> loop = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ViewMount(MountRequest request, long userId, LiveView view, ViewServer fs, FolderRoot storageRoot) {
        this.request = request;
        this.userId = userId;
        this.view = view;
        this.fs = fs;
        this.storageRoot = storageRoot;
    }

    public static ViewMount mount(Sharing sharing, MountRequest req) {
        return mount(sharing, req, NativeWarmUp.start(), Lent.nothing());
    }

    /**
     * warm: started by the caller before it opened the database, so the two overlap; lent: the
     * caller's descriptors and storage reserve, as far as this mount may use them. A request
     * naming no engine is served on the kernel engine, or on libfuse2 when the kernel's INIT
     * shows that engine cannot run here (FUSE older than 7.31): that mount is taken down first,
     * and the reason logged. A request naming an engine gets that engine or a refusal.
     */
    public static ViewMount mount(Sharing sharing, MountRequest req, NativeWarmUp warm, Lent lent) {
        if (req.engine() != null) return mountOn(sharing, req, warm, lent);
        try {
            return mountOn(sharing, req.orEngine(Engine.KERNEL), warm, lent);
        } catch (MountException e) {
            if (!e.kernelEngineUnsupported()) throw e;
            log.warn("the kernel engine cannot serve {}: {}; serving it on libfuse2", req.mountPoint(), e.getMessage());
            return mountOn(sharing, req.onLibfuse2(), warm, lent);
        }
    }

    private static ViewMount mountOn(Sharing sharing, MountRequest req, NativeWarmUp warm, Lent lent) {
        Preflight.check(req.mountPoint());
        long t0 = System.nanoTime();
        User user = sharing.users().get(req.email());
        MountScope scope = scope(sharing.folders().view(user.email()), req);
        LiveView view = new LiveView(new SharingGrantSource(sharing, user.id()), scope, sharing.home()::folderDir);
        view.load();
        long t1 = System.nanoTime();
        warm.await();
        log.debug("view loaded in {} ms, native ready after {} ms", (t1 - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
        FolderRoot storageRoot;
        try {
            storageRoot = FolderRoot.open(sharing.home().storage());
        } catch (IOException e) {
            throw new MountException("cannot open " + sharing.home().storage() + ": " + e.getMessage(), e);
        }
        ViewServer fs = server(sharing, req, user.email(), view, storageRoot, lent);
        ViewMount m = new ViewMount(req, user.id(), view, fs, storageRoot);
        try {
            m.start();
        } catch (RuntimeException e) {
            m.abandon();
            throw e;
        }
        return m;
    }

    private static ViewServer server(Sharing sharing, MountRequest req, String email, LiveView view, FolderRoot storageRoot,
                                     Lent lent) {
        FolderRenamer renamer = renamer(sharing, email);
        return switch (req.engine()) {
            case KERNEL -> {
                KernelViewFs fs = new KernelViewFs(view, storageRoot, req.uid(), req.gid(), renamer, req.limits(), lent,
                        String.valueOf(req.mountPoint().getFileName()), KernelServer.entryNanos(req.cacheSeconds()),
                        req.passthroughOrOff());
                view.onChange(fs::viewChanged);
                yield new KernelServer(fs, lent.uring());
            }
            case LIBFUSE2 -> {
                SharefsFs fs = new SharefsFs(view, storageRoot, req.uid(), req.gid(), renamer, req.limits(), lent);
                view.onChange(fs::viewChanged);
                yield new LibfuseServer(fs, req.cacheSeconds());
            }
        };
    }

    /** After a failed start whose loop has ended: nothing serves the view any more, so release it. */
    private void abandon() {
        if (!loop.isDone() || !closed.compareAndSet(false, true)) return;
        view.close();
        fs.closeAll();
        storageRoot.close();
    }

    /** --folders and --read-only name folders of the view; kept by id so a later rename keeps them. */
    static MountScope scope(List<FolderAccess> folders, MountRequest req) {
        Map<String, String> idByName = new HashMap<>();
        for (FolderAccess f : folders) idByName.put(f.name(), f.folderId());
        Set<String> only = null;
        if (req.folders() != null && !req.folders().isEmpty()) {
            only = new HashSet<>();
            for (String n : req.folders()) only.add(require(idByName, n, req.email()));
        }
        Set<String> ro = new HashSet<>();
        for (String n : req.readOnly()) ro.add(require(idByName, n, req.email()));
        return new MountScope(only, ro);
    }

    private static String require(Map<String, String> idByName, String name, String email) {
        String id = idByName.get(name);
        if (id == null) throw new MountException("no folder named '" + name + "' in the view of " + email);
        return id;
    }

    /** `mv` at the view root for email: `folder rename`, its refusals as errnos (both engines). */
    static FolderRenamer renamer(Sharing sharing, String email) {
        return (oldName, newName) -> {
            try {
                sharing.folders().rename(email, oldName, newName);
                return 0;
            } catch (SharingException e) {
                log.info("mv {} {} at the view root refused: {}", Names.loggable(oldName), Names.loggable(newName),
                        Names.loggable(e.getMessage()));
                return switch (e.kind()) {
                    case FORBIDDEN -> -Errno.EPERM;
                    case CONFLICT -> -Errno.EEXIST;
                    case INVALID -> -Errno.EINVAL;
                    case NOT_FOUND -> -Errno.ENOENT;
                };
            } catch (RuntimeException e) {
                log.error("folder rename {} -> {} failed", Names.loggable(oldName), Names.loggable(newName), e);
                return -Errno.EIO;
            }
        };
    }

    private void start() {
        Path mp = request.mountPoint();
        long t0 = System.nanoTime();
        fs.start(mp, loop);
        awaitReady(mp);
        Readahead.widen(mp);
        log.debug("the mount answered {} ms after its loop started", (System.nanoTime() - t0) / 1_000_000);
        log.info("mounted the view of {} at {} (uid {}, gid {}, engine {}, passthrough {}: {})", request.email(), mp, request.uid(),
                request.gid(), fs.engine().word(), request.passthroughOrOff().word(), fs.passthroughKernel());
    }

    /**
     * Ready when a stat of the mountpoint has reached this filesystem's root: before the mount is
     * made the stat answers from the directory underneath, so only a probe that arrived counts.
     * Polled every millisecond at first (a mount usually takes a few), then every 10.
     */
    private void awaitReady(Path mp) {
        long start = System.currentTimeMillis();
        long deadline = start + READY_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (loop.isDone()) {
                String why;
                try {
                    loop.join();
                    why = "the FUSE loop ended at once";
                } catch (Exception e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    why = c.getMessage() + (c.getCause() != null ? ": " + c.getCause().getMessage() : "");
                }
                // libfuse's own reason went to stderr; the node agent adds it to this one line.
                throw MountException.byLibfuse("mount of " + mp + " failed: " + why);
            }
            try {
                Files.readAttributes(mp, java.nio.file.attribute.BasicFileAttributes.class);
                if (fs.rootProbes() > 0) return;
            } catch (IOException ignored) {
                // Not answering yet.
            }
            sleep(System.currentTimeMillis() - start < 200 ? 1 : 10);
        }
        Preflight.unmount(mp, true);
        throw new MountException("mount of " + mp + " did not become ready within " + READY_TIMEOUT_MS / 1000 + " s");
    }

    /** Blocks until the filesystem is unmounted (sharefs umount, fusermount -u, or a signal). */
    public void awaitUnmount() {
        try {
            loop.join();
        } catch (Exception e) {
            log.warn("FUSE loop ended with {}", e.toString());
        }
    }

    public boolean isMounted() {
        return !loop.isDone();
    }

    /** Completes when the FUSE loop ends: this mount was unmounted, by us or by anyone. */
    public CompletableFuture<?> ended() {
        return loop.handle((r, e) -> null);
    }

    public MountRequest request() {
        return request;
    }

    /** The id of the user whose view this is: whom a change must have touched to reach this mount. */
    public long userId() {
        return userId;
    }

    /** The live view; the node agent reloads it when a change may have touched this user. */
    public LiveView view() {
        return view;
    }

    /** Files open through this mount now. */
    public int openFiles() {
        return fs.openFiles();
    }

    /** What the kernel said to passthrough on this mount ("not asked" where it was not). */
    public String passthroughKernel() {
        return fs.passthroughKernel();
    }

    /** How requests reach this mount's daemon: "device", "io_uring (2 queues)", or why not the ring. */
    public String transport() {
        return fs.transport();
    }

    /** Whether writes in owned folders go passthrough on this mount (see PassthroughPolicy). */
    public boolean passthroughWrites() {
        return fs.passthroughWrites();
    }

    /**
     * The passthrough of this mount in words: "off", "owned (accepted)", "owned (accepted; writes
     * through the daemon: storage keeps a reserve)", "reads (not offered by this kernel)".
     */
    public String passthroughSays() {
        Passthrough p = request.passthroughOrOff();
        if (p == Passthrough.OFF) return "off";
        boolean reserveOnly = "accepted".equals(passthroughKernel()) && !passthroughWrites();
        return p.word() + " (" + passthroughKernel() + (reserveOnly ? "; writes through the daemon: storage keeps a reserve" : "") + ")";
    }

    /** The engine serving this mount. */
    public Engine engine() {
        return fs.engine();
    }

    /**
     * Unmounts: refused while files are open in it (fusermount's reason is returned) unless
     * force, which detaches it lazily. Returns null once the kernel no longer lists it; the
     * caller then close()s.
     */
    public String unmount(boolean force) {
        if (!loop.isDone()) {
            String err = Preflight.unmount(request.mountPoint(), force);
            if (err != null) return err;
        }
        // Return once the kernel no longer lists it, so the next mount on this path works at once.
        for (int i = 0; i < 500 && MountTable.find(request.mountPoint()).isPresent(); i++) sleep(10);
        return null;
    }

    /** Unmounts (lazily if busy files are still open) and releases everything. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        // Already detached (a forced unmount): nothing to unmount, only the loop to let end.
        boolean listed = MountTable.find(request.mountPoint()).map(MountTable::isSharefs).orElse(false);
        if (!loop.isDone() && listed) {
            String err = Preflight.unmount(request.mountPoint(), false);
            if (err != null) {
                log.warn("unmount of {} refused ({}); detaching lazily", request.mountPoint(), err);
                Preflight.unmount(request.mountPoint(), true);
            }
        }
        if (!loop.isDone()) {
            try {
                loop.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Already detached; the loop ends when the kernel lets go.
            }
        }
        view.close();
        fs.closeAll();
        storageRoot.close();
        log.info("unmounted {}", request.mountPoint());
    }

    public Path mountPoint() {
        return request.mountPoint();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MountException("interrupted while mounting");
        }
    }
}
