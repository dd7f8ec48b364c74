package sharefs.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import sharefs.backing.Errno;

/**
 * The view root opened as a directory. It has no backing directory to take offsets from, so the
 * listing is a snapshot of the folder names taken when it starts (offset 0), and offset i names
 * the i-th entry of that snapshot: the view may change between two requests of one listing
 * without an entry being skipped or repeated.
 */
final class ViewRootDir implements OpenDir {
    private final Supplier<List<String>> folderNames;
    private List<String> snapshot;

    ViewRootDir(Supplier<List<String>> folderNames) {
        this.folderNames = folderNames;
    }

    @Override
    public String folderId() {
        return null;
    }

    @Override
    public synchronized int list(Pointer buf, FuseFillDir filler, long offset) {
        if (offset < 0) return -Errno.EINVAL;
        if (offset == 0 || snapshot == null) {
            List<String> names = new ArrayList<>();
            names.add(".");
            names.add("..");
            names.addAll(folderNames.get());
            snapshot = names;
        }
        for (long i = offset; i < snapshot.size(); i++) {
            if (filler.apply(buf, snapshot.get((int) i), null, i + 1) != 0) break;
        }
        return 0;
    }

    @Override
    public void close() {
    }
}
