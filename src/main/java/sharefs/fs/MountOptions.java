package sharefs.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * The libfuse options of a sharefs mount. Enforcement lives in the daemon on every call, so the
 * kernel may cache entries only briefly: short enough that a kick-out or a rename shows within
 * the one-second promise; attributes not at all (below). No auto_unmount: it would hand the mount to a
 * fusermount process (path-based, one more process per mount); the node agent cleans up after a
 * crash of its own instead, on its next start.
 */
public final class MountOptions {
    private MountOptions() {
    }

    public static String[] of(double cacheSeconds) {
        List<String> o = new ArrayList<>();
        o.add("-o");
        o.add(String.join(",",
                // The session's uid must enter; the daemon checks the caller itself.
                "allow_other",
                // Unlink of an open file really unlinks (no .fuse_hidden files); the fd keeps the data.
                "hard_remove",
                // Inode numbers from the backing files, so hard links and tar/cp see them right.
                "use_ino",
                "fsname=sharefs",
                "subtype=sharefs",
                "big_writes",
                "max_read=131072",
                "max_write=131072",
                // No attribute cache: close-to-open across mounts. Another mount (another user's
                // view, or another machine's) may have appended to a file; the kernel learns its
                // new size only from a fresh GETATTR, and libfuse 2's high-level API has no way to
                // invalidate one inode or revalidate on open. Cached for even 0.5 s, 49 of 50
                // appends through one mount were read short through another right after the close.
                "attr_timeout=0",
                "entry_timeout=" + cacheSeconds,
                // A folder that appears (an accepted share) must be seen at once.
                "negative_timeout=0"));
        return o.toArray(new String[0]);
    }
}
