package sharefs.fs;

import sharefs.backing.Errno;
import sharefs.backing.FolderRoot;

/**
 * POSIX owner-bit checks for the session's uid. Every entry appears owned by that uid, so a
 * native filesystem would apply the owner bits; the daemon runs as root and would not, so it
 * applies them itself. Root callers pass, as they would natively.
 */
final class ModeCheck {
    static final int R = 4;
    static final int W = 2;
    static final int X = 1;

    private ModeCheck() {
    }

    static int entry(FolderRoot root, String rel, int need, Who who) {
        int mode = root.mode(rel);
        return mode < 0 ? mode : bits(mode, need, who);
    }

    /** The owner-bit check on a mode already known (both engines); a negative mode is the errno of its stat. */
    static int bits(int mode, int need, Who who) {
        if (mode < 0) return mode;
        if (who.isRoot()) return 0;
        int owner = (mode >> 6) & 7;
        return (owner & need) == need ? 0 : -Errno.EACCES;
    }

    /**
     * The owner-bit check before an operation that reports a missing or unusable entry itself
     * (open, truncate): for a root caller, who passes anyway, it costs no stat.
     */
    static int beforeUse(FolderRoot root, String rel, int need, Who who) {
        return who.isRoot() ? 0 : entry(root, rel, need, who);
    }

    /** Creating or removing a name needs write and search permission on the directory holding it. */
    static int parentOf(FolderRoot root, String rel, Who who) {
        if (who.isRoot()) return 0;
        int slash = rel.lastIndexOf('/');
        return entry(root, slash < 0 ? "" : rel.substring(0, slash), W | X, who);
    }
}
