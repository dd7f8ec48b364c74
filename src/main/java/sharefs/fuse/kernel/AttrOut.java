package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/** struct fuse_attr_out: the answer to GETATTR and SETATTR. */
public final class AttrOut {
    static final int SIZE = 16 + Attr.SIZE;

    public long attrTimeoutNanos;
    public final Attr attr = new Attr();

    void clear() {
        attrTimeoutNanos = 0;
        attr.clear();
    }

    void encode(ByteBuffer b, int at) {
        b.putLong(at, attrTimeoutNanos / 1_000_000_000L).putInt(at + 8, (int) (attrTimeoutNanos % 1_000_000_000L))
                .putInt(at + 12, 0);
        attr.encode(b, at + 16);
    }
}
