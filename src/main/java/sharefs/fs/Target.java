package sharefs.fs;

import sharefs.access.Grant;
import sharefs.backing.FolderRoot;

/** Where an operation may act (the folder's grant and backing root), or the errno that refuses it. */
record Target(int errno, Grant grant, FolderRoot root) {
    static Target refuse(int errno) {
        return new Target(errno, null, null);
    }

    static Target of(Grant grant, FolderRoot root) {
        return new Target(0, grant, root);
    }

    boolean refused() {
        return errno != 0;
    }
}
