package sharefs.access;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Names;
import sharefs.sharing.Permission;
import sharefs.store.Home;

/**
 * The current view of one mount, answered from memory on every FUSE call. It never asks the
 * database by itself: the node agent reloads it when a change may have touched its user. When
 * the database cannot be read the last good snapshot stays: an error never widens access.
 */
public final class LiveView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveView.class);

    private final GrantSource source;
    private final MountScope scope;
    private final Function<String, Path> backingDir;
    private final AtomicReference<View> current = new AtomicReference<>(View.EMPTY);
    private final Object reloadLock = new Object();
    private volatile Runnable onChange = () -> { };

    public LiveView(GrantSource source, MountScope scope, Function<String, Path> backingDir) {
        this.source = source;
        this.scope = scope;
        this.backingDir = backingDir;
    }

    public View current() {
        return current.get();
    }

    /** Loads now; throws if the database cannot be read (at mount time, where failing is right). */
    public void load() {
        synchronized (reloadLock) {
            long counter = source.changeCounter();
            List<FolderAccess> folders = source.folders();
            current.set(build(folders, counter));
        }
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.warn("view change listener failed: {}", e.toString());
        }
    }

    /**
     * Reloads after a change that may have touched this view; on failure keeps the snapshot and
     * returns false (whoever drives the reloads says so in the log, once).
     */
    public boolean reload() {
        try {
            load();
            return true;
        } catch (RuntimeException e) {
            log.debug("view reload failed; keeping the last snapshot: {}", e.toString());
            return false;
        }
    }

    /** Reloads after a change this mount made itself (a rename at the root), without waiting for the agent. */
    public void refreshNow() {
        if (!reload()) log.warn("view refresh failed; keeping the last snapshot");
    }

    /** Runs after every reload, outside the reload lock. */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    private View build(List<FolderAccess> folders, long counter) {
        List<Grant> grants = new ArrayList<>();
        for (FolderAccess f : folders) {
            if (!scope.includes(f.folderId())) continue;
            if (!Home.isFolderId(f.folderId())) {
                // A row no sharefs wrote (its ids are UUIDs): never let it name a directory.
                log.error("folder '{}' has the id '{}', which is not a UUID; it is left out of the view",
                        Names.loggable(f.name()), Names.loggable(f.folderId()));
                continue;
            }
            boolean lowered = scope.lowered(f.folderId());
            boolean owner = f.owner() && !lowered;
            Permission perm = lowered ? Permission.VIEW : f.permission();
            grants.add(new Grant(f.folderId(), f.name(), owner, perm, backingDir.apply(f.folderId()), f.owner() && !lowered));
        }
        return new View(grants, counter);
    }

    @Override
    public void close() {
        onChange = () -> { };
    }
}
