package sharefs.backing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * O_PATH descriptors of directories beneath one root that operations used in the last moments,
 * keyed by their path. An operation on "a/b/f" then costs one *at call on the cached "a/b"
 * instead of openat2, the call and a close: a third of the syscalls of a tree walk or an
 * extraction, which is what FUSE's per-request latency is made of.
 *
 * <p>Safety does not depend on the cache: every descriptor in it was opened by the no-follow
 * resolution, so it names a real directory, never a symlink's target. What a cached descriptor
 * can do is outlive its name for up to {@link #TTL_NANOS}: if another mount renames "a/b" to
 * "c/b", an operation on "a/b/f" in that window acts on "c/b/f", the directory the caller had
 * found there, much as a process whose working directory was moved keeps using it. This
 * filesystem's own renames and rmdirs drop every entry at or under the names involved at once.
 */
final class DirCache {
    /** Entries older than this are resolved again: short against the kernel's 0.5 s entry cache, long against a burst of calls in one directory. */
    static final long TTL_NANOS = 200_000_000L;
    /** Descriptors held per root at most. */
    static final int MAX_ENTRIES = 128;

    private record Entry(RootFd fd, long bornNanos) {
        boolean fresh(long now) {
            return now - bornNanos < TTL_NANOS;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The cached descriptor of dir, acquired (the caller releases it); null if there is none or it is too old. */
    RootFd acquire(String dir) {
        Entry e = entries.get(dir);
        if (e == null) return null;
        if (!e.fresh(System.nanoTime())) {
            drop(dir, e);
            return null;
        }
        return e.fd.acquire() ? e.fd : null;
    }

    /**
     * Takes ownership of fd, just resolved for dir, and returns it acquired for the caller; it is
     * kept for later operations if there is room, and closed after the caller's release if not.
     */
    RootFd offer(String dir, int fd) {
        RootFd wrapped = new RootFd(fd);
        wrapped.acquire();
        if (entries.size() >= MAX_ENTRIES) sweep();
        if (entries.size() < MAX_ENTRIES) {
            Entry old = entries.put(dir, new Entry(wrapped, System.nanoTime()));
            if (old != null) old.fd.close();
        } else {
            wrapped.close();
        }
        return wrapped;
    }

    /** Forgets dir and everything beneath it: it was renamed, replaced or removed. */
    void invalidate(String dir) {
        if (dir.isEmpty()) {
            clear();
            return;
        }
        String under = dir + "/";
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String k = e.getKey();
            if (k.equals(dir) || k.startsWith(under)) drop(k, e.getValue());
        }
    }

    void clear() {
        for (Map.Entry<String, Entry> e : entries.entrySet()) drop(e.getKey(), e.getValue());
    }

    int size() {
        return entries.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!e.getValue().fresh(now)) drop(e.getKey(), e.getValue());
        }
    }

    /** Removes the entry if it is still the one given; its fd closes once no operation uses it. */
    private void drop(String dir, Entry e) {
        if (entries.remove(dir, e)) e.fd.close();
    }
}
