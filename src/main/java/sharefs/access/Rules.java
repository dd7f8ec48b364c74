package sharefs.access;

import static sharefs.backing.Errno.EACCES;
import static sharefs.backing.Errno.ENOENT;
import static sharefs.backing.Errno.EPERM;
import static sharefs.backing.Errno.EROFS;

/**
 * The permission table of DESIGN.md as code: each method answers one row, returning 0 or a
 * negative errno. Kept free of I/O so every cell can be unit-tested.
 */
public final class Rules {

    private Rules() {
    }

    /** getattr, readdir, readlink, open read-only, read, statfs, getxattr, listxattr. */
    public static int read(Grant g) {
        return g == null ? -ENOENT : 0;
    }

    /** open for writing, create, write, truncate, fallocate, mkdir, mknod(fifo), symlink, link, utimens, chmod, xattr writes. */
    public static int write(Grant g) {
        if (g == null) return -ENOENT;
        return g.mayWrite() ? 0 : -EROFS;
    }

    /** unlink, rmdir, and a rename that replaces an existing entry. */
    public static int delete(Grant g) {
        if (g == null) return -ENOENT;
        if (!g.mayWrite()) return -EROFS;
        return g.mayDelete() ? 0 : -EACCES;
    }

    /** Renaming the folder itself at the view root. */
    public static int renameFolder(Grant g) {
        if (g == null) return -ENOENT;
        return g.mayRenameFolder() ? 0 : -EPERM;
    }
}
