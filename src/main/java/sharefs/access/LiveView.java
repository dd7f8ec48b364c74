package sharefs.access;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Permission;

/**
 * The current view of one mount, answered from memory on every FUSE call. A poller watches the
 * database's change counter and swaps in a new snapshot when it moves. When the database cannot
 * be read the last good snapshot stays: an error never widens access.
 */
public final class LiveView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveView.class);

    private final GrantSource source;
    private final MountScope scope;
    private final Function<String, Path> backingDir;
    private final AtomicReference<View> current = new AtomicReference<>(View.EMPTY);
    private final Object reloadLock = new Object();
    private ScheduledExecutorService poller;
    private volatile long seenCounter = Long.MIN_VALUE;
    private volatile boolean failing;
    private volatile Runnable onChange = () -> { };

    public LiveView(GrantSource source, MountScope scope, Function<String, Path> backingDir) {
        this.source = source;
        this.scope = scope;
        this.backingDir = backingDir;
    }

    public View current() {
        return current.get();
    }

    /** Loads now; throws if the database cannot be read (used at mount time, where failing is right). */
    public void load() {
        synchronized (reloadLock) {
            long counter = source.changeCounter();
            List<FolderAccess> folders = source.folders();
            current.set(build(folders, counter));
            seenCounter = counter;
        }
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.warn("view change listener failed: {}", e.toString());
        }
    }

    /** Reloads after a change this mount made itself (a rename at the root), without waiting for the poll. */
    public void refreshNow() {
        try {
            load();
        } catch (RuntimeException e) {
            log.warn("view refresh failed; keeping the last snapshot: {}", e.toString());
        }
    }

    /** Runs after every reload, outside the reload lock. */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    public void start(long pollMillis) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharefs-view-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    void poll() {
        try {
            long counter = source.changeCounter();
            if (counter != seenCounter) load();
            if (failing) {
                failing = false;
                log.info("database reachable again; view is current (version {})", counter);
            }
        } catch (Throwable t) {
            if (!failing) {
                failing = true;
                log.warn("cannot read the database; serving the last snapshot (never more) until it returns: {}", t.toString());
            }
        }
    }

    private View build(List<FolderAccess> folders, long counter) {
        List<Grant> grants = new ArrayList<>();
        for (FolderAccess f : folders) {
            if (!scope.includes(f.folderId())) continue;
            boolean lowered = scope.lowered(f.folderId());
            boolean owner = f.owner() && !lowered;
            Permission perm = lowered ? Permission.VIEW : f.permission();
            grants.add(new Grant(f.folderId(), f.name(), owner, perm, backingDir.apply(f.folderId()), f.owner() && !lowered));
        }
        return new View(grants, counter);
    }

    public boolean healthy() {
        return !failing;
    }

    @Override
    public void close() {
        if (poller != null) poller.shutdownNow();
    }
}
