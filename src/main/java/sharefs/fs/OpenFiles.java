package sharefs.fs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open files keyed by the handle given to the kernel in fi.fh. */
final class OpenFiles {
    private final ConcurrentHashMap<Long, OpenFile> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    long add(OpenFile f) {
        long h = next.getAndIncrement();
        byHandle.put(h, f);
        return h;
    }

    OpenFile get(long handle) {
        return byHandle.get(handle);
    }

    OpenFile remove(long handle) {
        return byHandle.remove(handle);
    }

    int count() {
        return byHandle.size();
    }

    Iterable<OpenFile> all() {
        return byHandle.values();
    }
}
