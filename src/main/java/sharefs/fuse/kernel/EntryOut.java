package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * struct fuse_entry_out: the answer to LOOKUP and to every call that makes a name (MKNOD,
 * MKDIR, SYMLINK, LINK, CREATE), and each READDIRPLUS entry. Answering one with a non-zero
 * nodeId adds one to that node's lookup count, which the kernel later gives back with FORGET.
 * A nodeId of 0 is a negative entry: "no such name", cached for entryTimeoutNanos.
 */
public final class EntryOut {
    static final int SIZE = 40 + Attr.SIZE;

    public long nodeId, generation, entryTimeoutNanos, attrTimeoutNanos;
    public final Attr attr = new Attr();

    void clear() {
        nodeId = generation = entryTimeoutNanos = attrTimeoutNanos = 0;
        attr.clear();
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, nodeId).putLong(at + 8, generation)
                .putLong(at + 16, entryTimeoutNanos / 1_000_000_000L).putLong(at + 24, attrTimeoutNanos / 1_000_000_000L)
                .putInt(at + 32, (int) (entryTimeoutNanos % 1_000_000_000L))
                .putInt(at + 36, (int) (attrTimeoutNanos % 1_000_000_000L));
        attr.encode(b, at + 40);
    }
}
