package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * struct fuse_attr, filled by a handler: a plain protocol struct, hence public fields. Times
 * are seconds and nanoseconds since the epoch; mode holds the file type bits (S_IFDIR, ...).
 * The engine hands each call a cleared one and encodes it after the call returns.
 */
public final class Attr {
    static final int SIZE = 88;

    public long ino, size, blocks, atime, mtime, ctime;
    public int atimeNsec, mtimeNsec, ctimeNsec, mode, nlink, uid, gid, rdev, blksize;

    void clear() {
        ino = size = blocks = atime = mtime = ctime = 0;
        atimeNsec = mtimeNsec = ctimeNsec = mode = nlink = uid = gid = rdev = blksize = 0;
    }

    /** Copies every field of other (a handler's cache can keep its own Attr and copy it in). */
    public void set(Attr other) {
        ino = other.ino;
        size = other.size;
        blocks = other.blocks;
        atime = other.atime;
        mtime = other.mtime;
        ctime = other.ctime;
        atimeNsec = other.atimeNsec;
        mtimeNsec = other.mtimeNsec;
        ctimeNsec = other.ctimeNsec;
        mode = other.mode;
        nlink = other.nlink;
        uid = other.uid;
        gid = other.gid;
        rdev = other.rdev;
        blksize = other.blksize;
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, ino).putLong(at + 8, size).putLong(at + 16, blocks)
                .putLong(at + 24, atime).putLong(at + 32, mtime).putLong(at + 40, ctime)
                .putInt(at + 48, atimeNsec).putInt(at + 52, mtimeNsec).putInt(at + 56, ctimeNsec)
                .putInt(at + 60, mode).putInt(at + 64, nlink).putInt(at + 68, uid).putInt(at + 72, gid)
                .putInt(at + 76, rdev).putInt(at + 80, blksize).putInt(at + 84, 0);
    }
}
