package sharefs.fs;

import jnr.ffi.Pointer;
import sharefs.backing.StatBuf;
import sharefs.fuse.kernel.Attr;

/** The attributes the kernel engine answers with: a backing struct stat as `ls -l` must show it (see {@link Attrs}). */
final class KernelAttrs {
    private KernelAttrs() {
    }

    static void present(Attr a, Pointer st, Caller caller, boolean readOnly) {
        a.ino = StatBuf.ino(st);
        a.size = StatBuf.size(st);
        a.blocks = StatBuf.blocks(st);
        a.atime = StatBuf.atimeSec(st);
        a.atimeNsec = (int) StatBuf.atimeNsec(st);
        a.mtime = StatBuf.mtimeSec(st);
        a.mtimeNsec = (int) StatBuf.mtimeNsec(st);
        a.ctime = StatBuf.ctimeSec(st);
        a.ctimeNsec = (int) StatBuf.ctimeNsec(st);
        a.mode = Attrs.presentedMode(StatBuf.mode(st), readOnly);
        a.nlink = (int) StatBuf.nlink(st);
        a.uid = (int) caller.uid();
        a.gid = (int) caller.gid();
        a.rdev = (int) StatBuf.rdev(st);
        a.blksize = StatBuf.blksize(st);
    }

    /** The view root, as the libfuse engine shows it: no write bits, since no one may create there. */
    static void viewRoot(Attr a, Caller caller, int folders, long mountedAtSec) {
        a.ino = NodeTable.ROOT;
        a.mode = sharefs.backing.Flags.S_IFDIR | 0555;
        a.nlink = 2 + folders;
        a.uid = (int) caller.uid();
        a.gid = (int) caller.gid();
        a.size = 4096;
        a.blksize = 4096;
        a.atime = a.mtime = a.ctime = mountedAtSec;
    }
}
