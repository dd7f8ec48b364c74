package sharefs.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.access.Grant;
import sharefs.backing.FolderRoot;

/**
 * One open FolderRoot per folder of the view. A root whose folder left the view is closed only
 * after a grace period: an operation that fetched it just before may still be using its fd, and
 * closing it at once could let the fd number be reused under that operation.
 */
final class Roots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Roots.class);
    private static final long GRACE_SECONDS = 30;

    private final Map<String, FolderRoot> byFolderId = new ConcurrentHashMap<>();
    private final FolderRoot storage;
    private ScheduledExecutorService closer;

    /** storage: the storage root, beneath whose descriptor each folder's directory is opened by id. */
    Roots(FolderRoot storage) {
        this.storage = storage;
    }

    /** Started on first need: most mounts never retire a root. */
    private synchronized ScheduledExecutorService closer() {
        if (closer == null) {
            closer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sharefs-root-closer");
                t.setDaemon(true);
                return t;
            });
        }
        return closer;
    }

    /** The root of a folder in the view, opened on first use; null if its directory cannot be opened. */
    FolderRoot of(Grant g) {
        FolderRoot r = byFolderId.get(g.folderId());
        if (r != null) return r;
        return byFolderId.computeIfAbsent(g.folderId(), id -> {
            try {
                return storage.openChild(sharefs.store.Home.checkedFolderId(g.folderId()));
            } catch (IOException | RuntimeException e) {
                log.error("cannot open the backing directory of folder {} ({}): {}", g.name(), g.folderId(), e.getMessage());
                return null;
            }
        });
    }

    /** Retires the roots of folders no longer in the view. */
    void retainOnly(Set<String> folderIds) {
        List<FolderRoot> retired = new ArrayList<>();
        byFolderId.entrySet().removeIf(e -> {
            if (folderIds.contains(e.getKey())) return false;
            retired.add(e.getValue());
            return true;
        });
        if (!retired.isEmpty()) {
            closer().schedule(() -> retired.forEach(FolderRoot::close), GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (closer != null) closer.shutdownNow();
        byFolderId.values().forEach(FolderRoot::close);
        byFolderId.clear();
    }
}
