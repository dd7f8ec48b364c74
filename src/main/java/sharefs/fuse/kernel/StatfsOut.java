package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/** struct fuse_kstatfs: the answer to STATFS, as statvfs(3) reports it. */
public final class StatfsOut {
    static final int SIZE = 80;

    public long blocks, bfree, bavail, files, ffree;
    public int bsize, namelen, frsize;

    void clear() {
        blocks = bfree = bavail = files = ffree = 0;
        bsize = namelen = frsize = 0;
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, blocks).putLong(at + 8, bfree).putLong(at + 16, bavail).putLong(at + 24, files)
                .putLong(at + 32, ffree).putInt(at + 40, bsize).putInt(at + 44, namelen).putInt(at + 48, frsize);
        for (int i = 52; i < SIZE; i += 4) b.putInt(at + i, 0);
    }
}
