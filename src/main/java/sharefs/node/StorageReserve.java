package sharefs.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.FolderRoot;
import sharefs.fs.SpaceGuard;
import sharefs.store.Home;

/**
 * Whether the agent needs a storage reserve: only when storage/ shares a filesystem with what the
 * control plane must keep writing (the embedded database, the logs). With storage on a
 * filesystem of its own, sessions may fill it to the last byte and nothing else is touched.
 */
final class StorageReserve {
    private static final Logger log = LoggerFactory.getLogger(StorageReserve.class);

    private StorageReserve() {
    }

    static SpaceGuard guard(Home home, long reserve) throws IOException {
        if (reserve <= 0) return SpaceGuard.NONE;
        long storage = device(home.storage());
        boolean shared = storage == device(home.logs()) || (home.embeddedDb() && storage == device(home.db()));
        if (!shared) {
            log.info("storage/ is a filesystem of its own: no reserve is kept on it");
            return SpaceGuard.NONE;
        }
        log.info("storage/ shares a filesystem with the database or logs: {} MiB of it are kept for them", reserve >> 20);
        return new SpaceGuard(FolderRoot.open(home.storage()), reserve);
    }

    private static long device(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
