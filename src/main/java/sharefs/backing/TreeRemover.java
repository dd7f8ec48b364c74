package sharefs.backing;

import static sharefs.backing.Flags.AT_FDCWD;
import static sharefs.backing.Flags.AT_REMOVEDIR;
import static sharefs.backing.Flags.DT_DIR;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_PATH;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Native.errno;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Removes a directory tree for good, one descriptor-relative call at a time. Each directory is
 * opened with openat(its parent's fd, its name, O_DIRECTORY|O_NOFOLLOW) and each entry removed
 * with unlinkat(its directory's fd, its name), so no path is ever longer than one name (a tree
 * deeper than PATH_MAX goes like any other) and no symlink is ever followed: a symlink is
 * removed as itself, and one swapped in for a directory makes the openat fail and is then
 * removed as itself too. Names are bytes throughout, whatever their encoding.
 *
 * <p>The walk stays on the filesystem the tree starts on: a directory on another one (a mount
 * point inside the tree) stops it, leaving the mounted filesystem untouched. Directories deeper
 * than {@link #OPEN_LEVELS} below the current one are closed on the way down and reopened
 * through ".." on the way up, each checked to be the very directory (device and inode) that was
 * left, so a tree of any depth takes a bounded number of descriptors.
 *
 * <p>Entries that vanish meanwhile (another remover on the same tree) count as removed. On the
 * first failure the walk stops and throws one line that names the entry and the errno; whatever
 * was not yet removed stays where it was.
 */
public final class TreeRemover {
    /** Directories held open along the current path at most. */
    static final int OPEN_LEVELS = 64;
    /** How often a directory is listed again when its removal finds it not empty (entries made meanwhile). */
    private static final int PASSES = 3;
    private static final int BUF_SIZE = 8192;
    private static final byte[] DOTDOT = {'.', '.', 0};

    private final LibC lib = Native.libc();
    private final String top;
    private final int parentFd;
    private final List<Level> path = new ArrayList<>();
    /** The filesystem the tree is on: its parent's. */
    private long dev;
    /** Levels of path whose directory is open now. */
    private int open;
    /** d_type of the entry nextEntry returned last. */
    private int entryType;

    /** One directory on the current path. */
    private static final class Level {
        /** NUL-terminated name in the directory above. */
        final byte[] name;
        final long ino;
        /** O_RDONLY|O_DIRECTORY, or -1 while closed to spare descriptors. */
        int fd;
        /** Entries read but not yet handled: buf[next, end); null while closed. */
        byte[] buf;
        int next;
        int end;
        int passes;

        Level(byte[] name, int fd, long ino) {
            this.name = name;
            this.fd = fd;
            this.ino = ino;
            this.buf = new byte[BUF_SIZE];
        }
    }

    private TreeRemover(String top, int parentFd) {
        this.top = top;
        this.parentFd = parentFd;
    }

    /**
     * Removes the entry {@code name} (one component) of directory {@code parent}, with everything
     * beneath it if it is a directory. Nothing there is no failure.
     *
     * @throws IOException one line naming the first entry that could not be removed and why
     */
    public static void remove(Path parent, String name) throws IOException {
        LibC lib = Native.libc();
        RelPath p = RelPath.parse(name);
        if (p == null || !p.parent.isEmpty() || name.isEmpty()) {
            throw new IOException("not a single path component: '" + name + "'");
        }
        Path abs = parent.toAbsolutePath();
        int pfd = lib.openat(AT_FDCWD, LibC.cstr(abs.toString()), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (pfd < 0) throw new IOException("cannot open " + abs + ": " + Errno.describe(errno()));
        TreeRemover r = new TreeRemover(abs + "/" + name, pfd);
        try {
            r.removeTop(p.name);
        } finally {
            r.closeAll();
            lib.close(pfd);
        }
    }

    private void removeTop(byte[] name) throws IOException {
        byte[] parentStat = FileOps.statOf(parentFd);
        if (parentStat == null) throw failure(errno(), null);
        dev = StatBuf.dev(parentStat);
        int fd = lib.openat(parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) {
            int e = errno();
            if (e == Errno.ENOENT) return;
            if (e != Errno.ENOTDIR && e != Errno.ELOOP) throw failure(e, null);
            // A file or a symlink: removed as itself.
            if (lib.unlinkat(parentFd, name, 0) < 0 && errno() != Errno.ENOENT) throw failure(errno(), null);
            return;
        }
        byte[] st = checkedStat(fd, null);
        push(new Level(name, fd, StatBuf.ino(st)));
        walk();
    }

    /** Empties the directory on top of the path and removes it, until the path is empty. */
    private void walk() throws IOException {
        while (!path.isEmpty()) {
            Level cur = path.get(path.size() - 1);
            byte[] entry = nextEntry(cur);
            if (entry == null) {
                pop(cur);
            } else if (entryType == DT_DIR) {
                descend(cur, entry);
            } else {
                int rc = lib.unlinkat(cur.fd, entry, 0);
                if (rc < 0) {
                    int e = errno();
                    // EISDIR: a directory whose type the listing did not give (or that was swapped in).
                    if (e == Errno.EISDIR) descend(cur, entry);
                    else if (e != Errno.ENOENT) throw failure(e, entry);
                }
            }
        }
    }

    /** The next entry of cur other than "." and "..", NUL-terminated; null at the end of the directory. */
    private byte[] nextEntry(Level cur) throws IOException {
        for (;;) {
            if (cur.next == cur.end) {
                long n = lib.getdents64(cur.fd, cur.buf, cur.buf.length);
                if (n < 0) throw failure(errno(), null);
                if (n == 0) return null;
                cur.next = 0;
                cur.end = (int) n;
            }
            int at = cur.next;
            if (!Dirent64.wellFormed(cur.buf, at, cur.end)) throw failure(Errno.EIO, null); // never from a sane kernel
            cur.next += Dirent64.reclen(cur.buf, at);
            byte[] raw = Dirent64.rawName(cur.buf, at, Dirent64.nameEnd(cur.buf, at));
            if (isDot(raw)) continue;
            entryType = Dirent64.type(cur.buf, at);
            return Arrays.copyOf(raw, raw.length + 1);
        }
    }

    private static boolean isDot(byte[] n) {
        return (n.length == 1 && n[0] == '.') || (n.length == 2 && n[0] == '.' && n[1] == '.');
    }

    private void descend(Level cur, byte[] name) throws IOException {
        int fd = lib.openat(cur.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) {
            int e = errno();
            if (e == Errno.ENOENT) return;
            if (e != Errno.ENOTDIR && e != Errno.ELOOP) throw failure(e, name);
            // No longer a directory: removed as whatever it is now, never followed.
            if (lib.unlinkat(cur.fd, name, 0) < 0 && errno() != Errno.ENOENT) throw failure(errno(), name);
            return;
        }
        byte[] st = checkedStat(fd, name);
        push(new Level(name, fd, StatBuf.ino(st)));
    }

    /** The stat of a directory just opened as entry (null: the top), which must be on the tree's filesystem; else fd is closed. */
    private byte[] checkedStat(int fd, byte[] entry) throws IOException {
        byte[] st = FileOps.statOf(fd);
        int e = st == null ? errno() : StatBuf.dev(st) != dev ? Errno.EXDEV : 0;
        if (e == 0) return st;
        lib.close(fd);
        if (e != Errno.EXDEV) throw failure(e, entry);
        throw new IOException("cannot remove " + where(entry) + ": it is on another filesystem (a mount point?),"
                + " which is left alone");
    }

    private void push(Level lv) {
        path.add(lv);
        open++;
        if (open > OPEN_LEVELS) {
            // The shallowest open level: open levels are always the deepest ones.
            Level shallow = path.get(path.size() - open);
            lib.close(shallow.fd);
            shallow.fd = -1;
            shallow.buf = null;
            open--;
        }
    }

    /** cur has been listed to its end: removes it from the directory above, or lists it again if it is not empty. */
    private void pop(Level cur) throws IOException {
        int depth = path.size() - 1;
        int dirFd = parentFd;
        if (depth > 0) {
            Level up = path.get(depth - 1);
            if (up.fd < 0) reopen(up, cur);
            dirFd = up.fd;
        }
        int rc = lib.unlinkat(dirFd, cur.name, AT_REMOVEDIR);
        int e = rc < 0 ? errno() : 0;
        if (e == Errno.ENOTEMPTY && ++cur.passes < PASSES) {
            // Entries appeared meanwhile: list it again from its start.
            if (lib.lseek(cur.fd, 0, Flags.SEEK_SET) < 0) throw failure(errno(), null);
            cur.next = cur.end = 0;
            return;
        }
        if (e != 0 && e != Errno.ENOENT) throw failure(e, null);
        lib.close(cur.fd);
        path.remove(depth);
        open--;
    }

    /** Reopens up, closed to spare descriptors, through child's "..", insisting it is the directory that was left. */
    private void reopen(Level up, Level child) throws IOException {
        int fd = lib.openat(child.fd, DOTDOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) throw failure(errno(), null);
        byte[] st = FileOps.statOf(fd);
        if (st == null || StatBuf.dev(st) != dev || StatBuf.ino(st) != up.ino) {
            lib.close(fd);
            throw new IOException("cannot remove " + where(null) + ": its parent directory was moved meanwhile");
        }
        up.fd = fd;
        up.buf = new byte[BUF_SIZE];
        // Read from the start: what was handled before is gone, so nothing is met twice.
        up.next = up.end = 0;
        open++;
    }

    private void closeAll() {
        for (Level lv : path) {
            if (lv.fd >= 0) lib.close(lv.fd);
            lv.fd = -1;
        }
        path.clear();
    }

    private IOException failure(int errno, byte[] entry) {
        return new IOException("cannot remove " + where(entry) + ": " + Errno.describe(errno));
    }

    /**
     * The tree's top, the names on the current path and entry (if any), escaped where not
     * printable ASCII; a deep path is shortened in the middle to keep the line readable.
     */
    private String where(byte[] entry) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i < path.size(); i++) names.add(printable(path.get(i).name));
        if (entry != null) names.add(printable(entry));
        StringBuilder b = new StringBuilder(top);
        int n = names.size();
        for (int i = 0; i < n; i++) {
            if (n > 8 && i == 3) {
                b.append("/...(").append(n - 6).append(" more)...");
                i = n - 4;
                continue;
            }
            b.append('/').append(names.get(i));
        }
        return b.toString();
    }

    private static String printable(byte[] cName) {
        return Utf8.escaped(Arrays.copyOf(cName, cName.length - 1));
    }
}
