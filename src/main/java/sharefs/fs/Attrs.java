package sharefs.fs;

import ru.serce.jnrfuse.struct.FileStat;

/**
 * What `ls -l` shows: every entry owned by the session's uid/gid, setuid/setgid never shown,
 * and no write bits anywhere in a folder the user may not write.
 */
final class Attrs {
    private Attrs() {
    }

    static void present(FileStat stat, Caller caller, boolean readOnly) {
        stat.st_uid.set(caller.uid());
        stat.st_gid.set(caller.gid());
        stat.st_mode.set(presentedMode(stat.st_mode.intValue(), readOnly));
    }

    /** The mode `ls -l` shows for a backing mode (both engines). */
    static int presentedMode(int mode, boolean readOnly) {
        mode &= ~06000;
        if (readOnly) mode &= ~0222;
        return mode;
    }

    static void viewRoot(FileStat stat, Caller caller, int folders, long mountedAtSec) {
        // No one may create at the view root, so it shows no write bits.
        stat.st_mode.set(FileStat.S_IFDIR | 0555);
        stat.st_nlink.set(2 + folders);
        stat.st_uid.set(caller.uid());
        stat.st_gid.set(caller.gid());
        stat.st_ino.set(1);
        stat.st_size.set(4096);
        stat.st_blksize.set(4096);
        stat.st_atim.tv_sec.set(mountedAtSec);
        stat.st_mtim.tv_sec.set(mountedAtSec);
        stat.st_ctim.tv_sec.set(mountedAtSec);
    }
}
