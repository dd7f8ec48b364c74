package sharefs.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.access.Grant;
import sharefs.fs.Engine;
import sharefs.fs.MountException;
import sharefs.fs.MountRequest;
import sharefs.fs.Passthrough;
import sharefs.fs.FuseConnection;
import sharefs.fs.MountTable;
import sharefs.fs.NativeWarmUp;
import sharefs.fs.DescriptorPool;
import sharefs.fs.Lent;
import sharefs.fs.MountCoherence;
import sharefs.fs.Preflight;
import sharefs.fs.SpaceGuard;
import sharefs.fs.ViewMount;
import sharefs.sharing.Sharing;

/**
 * Every live mount of one node agent, over the agent's one database: mounts and unmounts them,
 * keeps their views current (through a {@link ChangeWatcher}), and reports on them. It is the
 * agent without its socket, so tests drive it in-process exactly as the agent does.
 */
public final class MountService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MountService.class);
    /** One mount as `sharefs node status` shows it. */
    public record MountInfo(String user, long uid, long gid, Path mountPoint, String engine, List<String> folders,
                            int openFiles, long viewVersion, String passthrough, String passthroughKernel,
                            boolean passthroughWrites, String passthroughSays, String transport) {
    }

    private final Sharing sharing;
    private final ChangeWatcher watcher;
    /** The database's announcements of other processes' writes; null where it makes none. */
    private final AutoCloseable listener;
    /** Descriptors every mount is sure of, whatever the others hold; beyond them it may burst to its caps. */
    static final int GUARANTEED_DESCRIPTORS = 64;
    /** Descriptors the agent keeps for itself (database, socket, logs, /dev/fuse, folder roots). */
    static final int AGENT_RESERVE = 1024;

    private final DescriptorPool descriptors;
    private final SpaceGuard space;
    /** Which kernel-engine mounts of this agent hold which backing objects: a change through one is told to the others. */
    private final MountCoherence coherence = new MountCoherence();
    private final NativeWarmUp warm = NativeWarmUp.start();
    private final Map<Path, ViewMount> mounts = new ConcurrentHashMap<>();
    private final Set<Path> inProgress = new HashSet<>();
    private volatile Consumer<Set<Path>> onMountsChanged = s -> { };
    private volatile StderrTap stderr;
    /** The passthrough of kernel-engine mounts whose request names none (`sharefs node --passthrough`). */
    private volatile Passthrough defaultPassthrough = Passthrough.OWNED;
    /** Whether kernel-engine mounts take requests through FUSE over io_uring (`sharefs node --io-uring`). */
    private volatile boolean uring = true;
    /**
     * The engine of mounts whose request names none (`sharefs node --engine`); null: the kernel
     * engine where the kernel speaks FUSE 7.31+, else libfuse2 (ViewMount#mount decides).
     */
    private volatile Engine defaultEngine;
    /**
     * Set once a mount naming no engine found that the kernel engine cannot run on this kernel:
     * the kernel does not change under a running agent, so later ones go to libfuse2 at once.
     */
    private volatile boolean kernelEngineUnsupported;

    /**
     * An agent core with no storage reserve (tests).
     * pollMillis: the safety-net poll of the change counter (a commit in this process pokes at once).
     */
    public MountService(Sharing sharing, long pollMillis) {
        this(sharing, pollMillis, ProcessLimits.openFiles(), SpaceGuard.NONE);
    }

    /** openFiles: this process's RLIMIT_NOFILE, shared out among the mounts. */
    MountService(Sharing sharing, long pollMillis, long openFiles, SpaceGuard space) {
        this.sharing = sharing;
        this.descriptors = new DescriptorPool(Math.max(0, openFiles - AGENT_RESERVE));
        this.space = space;
        this.watcher = new ChangeWatcher(sharing, new ChangeWatcher.Target() {
            @Override
            public boolean reloadUsers(Set<Long> users) {
                return reload(m -> users.contains(m.userId()));
            }

            @Override
            public boolean reloadAll() {
                return reload(m -> true);
            }
        }, pollMillis);
        sharing.db().onCommit(watcher::changed);
        watcher.start();
        this.listener = sharing.db().listen(watcher);
    }

    public Sharing sharing() {
        return sharing;
    }

    /** The agent's tapped stderr, where libfuse says why a mount failed. */
    void tellFailuresFrom(StderrTap tap) {
        this.stderr = tap;
    }

    /** Mounts that do not name an engine are served on e from now on; null: the kernel engine where it can run. */
    public void defaultEngine(Engine e) {
        this.defaultEngine = e;
    }

    /** The engine of mounts that name none; null: the kernel engine where it can run. */
    public Engine defaultEngine() {
        return defaultEngine;
    }

    /** What a handshake found (or, in tests, what it would find on a kernel older than FUSE 7.31). */
    void kernelEngineUnsupported() {
        kernelEngineUnsupported = true;
    }

    /**
     * Kernel-engine mounts made from now on take requests through FUSE over io_uring where the
     * kernel offers it (`sharefs node --io-uring on`).
     */
    public void uring(boolean on) {
        this.uring = on;
    }

    public boolean uring() {
        return uring;
    }

    /** Kernel-engine mounts that do not name a passthrough mode get p from now on. */
    public void defaultPassthrough(Passthrough p) {
        this.defaultPassthrough = java.util.Objects.requireNonNull(p);
    }

    public Passthrough defaultPassthrough() {
        return defaultPassthrough;
    }

    /** Called with the live mountpoints after every mount and unmount (the agent records them for crash recovery). */
    void onMountsChanged(Consumer<Set<Path>> listener) {
        this.onMountsChanged = listener;
    }

    /** Mounts a view; returns once a probe has reached it. One mount per mountpoint at a time. */
    public ViewMount mount(MountRequest asked) {
        MountRequest req = asked.orEngine(defaultEngine).orPassthrough(defaultPassthrough);
        String unservable = req.unservable();
        if (unservable != null) throw new MountException(unservable);
        if (kernelEngineUnsupported && req.engine() == null) req = req.onLibfuse2();
        Path mp = req.mountPoint();
        synchronized (inProgress) {
            if (mounts.containsKey(mp) || !inProgress.add(mp)) {
                throw new MountException(mp + " is already mounted (fuse.sharefs); sharefs umount it first");
            }
        }
        DescriptorPool.Account fds = null;
        boolean kept = false;
        StderrTap tap = stderr;
        long mark = tap == null ? 0 : tap.mark();
        try {
            fds = descriptors.open(GUARANTEED_DESCRIPTORS);
            if (fds == null) {
                throw new MountException("the node agent cannot take another mount: its " + descriptors.capacity()
                        + " descriptors for mounts are promised or in use (" + mounts.size() + " mounts); raise its LimitNOFILE");
            }
            DescriptorPool.Account lent = fds;
            ViewMount m;
            try {
                m = ViewMount.mount(sharing, req, warm, new Lent(lent, space, coherence, uring));
            } catch (MountException e) {
                throw tap != null && e.byLibfuse() ? e.withLibfuseWords(libfuseWords(tap, mark, mp)) : e;
            }
            if (req.engine() == null && m.engine() == Engine.LIBFUSE2) kernelEngineUnsupported = true;
            mounts.put(mp, m);
            kept = true;
            m.ended().whenComplete((r, e) -> forget(mp, m, lent));
            // A change that committed between the view's load and this registration was seen by
            // the watcher when this mount was not yet listed: catch up with it here.
            if (m.view().current().version() != sharing.db().changeCounter()) m.view().reload();
            changed();
            return m;
        } finally {
            if (!kept && fds != null) fds.close();
            synchronized (inProgress) {
                inProgress.remove(mp);
            }
        }
    }

    /**
     * What libfuse and fusermount wrote while this mount was being made. They write from another
     * thread or process, so give them a moment; lines naming this mountpoint come first.
     */
    private static List<String> libfuseWords(StderrTap tap, long mark, Path mp) {
        List<String> words = List.of();
        for (int i = 0; i < 20 && words.isEmpty(); i++) {
            words = tap.fuseLinesSince(mark);
            if (words.isEmpty()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<String> mine = words.stream().filter(w -> w.contains(mp.toString())).toList();
        return mine.isEmpty() ? words : mine;
    }

    private void forget(Path mp, ViewMount m, DescriptorPool.Account fds) {
        if (mounts.remove(mp, m)) {
            log.info("{} is no longer mounted", mp);
            m.close();
            changed();
        }
        if (fds != null) fds.close();
    }

    private void changed() {
        try {
            onMountsChanged.accept(Set.copyOf(mounts.keySet()));
        } catch (RuntimeException e) {
            log.warn("mount listener failed: {}", e.toString());
        }
    }

    /**
     * Unmounts mp. Refused while files are open unless force: then it is detached lazily and its
     * FUSE connection aborted, so no caller stays blocked on a request the agent cannot answer (a
     * worker stuck on a hung backing filesystem) and nothing is served through it any more. A
     * sharefs mount this agent does not serve is cleaned up only when its daemon is gone
     * (ENOTCONN).
     */
    public void unmount(Path mp, boolean force) {
        ViewMount m = mounts.get(mp);
        Optional<MountTable.Entry> entry = force ? MountTable.find(mp) : Optional.empty();
        if (m == null) {
            unmountForeign(mp);
            entry.ifPresent(FuseConnection::abort);
            return;
        }
        String err = m.unmount(force);
        if (err != null) {
            String why = err.contains("busy") ? "files are open in it (use --force to detach anyway)" : err;
            throw new MountException("cannot unmount " + mp + ": " + why);
        }
        entry.filter(MountTable::isSharefs).ifPresent(FuseConnection::abort);
        forget(mp, m, null);
    }

    private static void unmountForeign(Path mp) {
        Optional<MountTable.Entry> e = MountTable.find(mp);
        if (e.isEmpty()) throw new MountException(mp + " is not mounted");
        if (!MountTable.isSharefs(e.get())) throw new MountException(mp + " is not a sharefs mount (" + e.get().fsType() + ")");
        if (!Preflight.isStale(mp)) throw new MountException(mp + " is served by another sharefs process, not by this node agent");
        String err = Preflight.unmount(mp, true);
        if (err != null) throw new MountException("cannot unmount the dead mount " + mp + ": " + err);
        log.info("cleaned up the dead mount {}", mp);
    }

    public int size() {
        return mounts.size();
    }

    public List<MountInfo> status() {
        List<MountInfo> out = new ArrayList<>();
        for (ViewMount m : mounts.values()) {
            MountRequest r = m.request();
            List<String> folders = new ArrayList<>();
            for (Grant g : m.view().current().grants()) folders.add(g.name());
            out.add(new MountInfo(r.email(), r.uid(), r.gid(), r.mountPoint(), m.engine().word(), folders, m.openFiles(),
                    m.view().current().version(), r.passthroughOrOff().word(), m.passthroughKernel(), m.passthroughWrites(),
                    m.passthroughSays(), m.transport()));
        }
        out.sort(Comparator.comparing(i -> i.mountPoint().toString()));
        return out;
    }

    /** Whether the database answered the last look (mounts serve their last snapshot while it does not). */
    public boolean databaseReachable() {
        return !watcher.failing();
    }

    public long viewVersion() {
        return watcher.seen();
    }

    /** Why the database's change announcements are not heard now (mounts then rely on the poll), or null. */
    public String announcementsDown() {
        return watcher.listenerDown();
    }

    /** Changes applied straight from their announcement / reads of the change log, since start. */
    public long announcedChanges() {
        return watcher.fastReloads();
    }

    public long changeLogReads() {
        return watcher.logReads();
    }

    private boolean reload(java.util.function.Predicate<ViewMount> which) {
        boolean ok = true;
        for (ViewMount m : mounts.values()) {
            if (which.test(m) && !m.view().reload()) ok = false;
        }
        return ok;
    }

    /** Unmounts everything (lazily where files are still open) and stops watching. */
    @Override
    public void close() {
        if (listener != null) {
            try {
                listener.close();
            } catch (Exception e) {
                log.warn("closing the change listener failed: {}", e.toString());
            }
        }
        watcher.close();
        for (ViewMount m : new ArrayList<>(mounts.values())) {
            try {
                m.close();
            } catch (RuntimeException e) {
                log.warn("unmounting {} failed: {}", m.mountPoint(), e.toString());
            }
        }
        mounts.clear();
        changed();
        space.close();
    }
}
