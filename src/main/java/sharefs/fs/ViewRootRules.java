package sharefs.fs;

import sharefs.access.Grant;
import sharefs.backing.Errno;

/**
 * What the view root answers to calls that would make or remove a name in it, for both
 * engines: the root holds only the folders of the view, and nothing there is made or removed
 * by a filesystem call (folders are made and deleted with the CLI; `mv` renames one).
 */
final class ViewRootRules {
    private ViewRootRules() {
    }

    /** Making a name at the root: EEXIST for a folder's name (existing: its grant), EACCES otherwise. */
    static int create(Grant existing) {
        return existing != null ? -Errno.EEXIST : -Errno.EACCES;
    }

    /** Removing a name at the root never removes a folder: EPERM for a folder, ENOENT for anything else. */
    static int remove(Grant existing) {
        return existing != null ? -Errno.EPERM : -Errno.ENOENT;
    }

    /**
     * `mv from to` of a folder at the root: the owner's folder rename (the rules of `folder rename`),
     * EPERM for anyone else; the view is reloaded at once on success.
     */
    static int renameFolder(sharefs.access.LiveView view, FolderRenamer renamer, String from, String to) {
        Grant g = view.current().get(from);
        if (g == null) return -Errno.ENOENT;
        int rc = sharefs.access.Rules.renameFolder(g);
        if (rc != 0) return rc;
        if (from.equals(to)) return 0;
        rc = renamer.rename(from, to);
        if (rc == 0) view.refreshNow();
        return rc;
    }

    /** Moving something in a folder onto a root name: EXDEV onto a folder, EACCES for a new root name. */
    static int moveOnto(Grant existing) {
        return existing != null ? -Errno.EXDEV : -Errno.EACCES;
    }
}
