package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * Messages the daemon sends unasked (unique 0, the notify code in the error field), for the fs
 * layer to drop what the kernel has cached when the truth changed behind it (a kick-out, a
 * downgrade, a rename, another mount's write). Never call these from inside a handler call for
 * the same directory or node: the kernel takes that inode's lock to invalidate, and the request
 * holding it waits for the handler. Calls are serialised; each returns 0 or -errno, where
 * -ENOENT means the kernel had nothing cached under that name or node, which is success too.
 */
public final class Notifier {
    private static final int INVAL_INODE = 2, INVAL_ENTRY = 3, INC_EPOCH = 8, PRUNE = 9;
    private static final int HEADER = 16;
    /** Most node ids one FUSE_NOTIFY_PRUNE carries here: the message stays one small buffer. */
    public static final int PRUNE_BATCH = 512;
    /** The protocol minor that brought FUSE_NOTIFY_INC_EPOCH (kernel 6.16). */
    public static final int INC_EPOCH_MINOR = 44;
    /** The protocol minor that brought FUSE_NOTIFY_PRUNE (kernel 6.18). */
    public static final int PRUNE_MINOR = 45;

    private final Channel channel;
    private final NativeBuffer buf;
    /** Allocated on the first prune: most mounts never need it. */
    private NativeBuffer pruneBuf;
    private boolean closed;

    Notifier(Channel channel) {
        this.channel = channel;
        this.buf = NativeBuffer.allocate(HEADER + 16 + Args.NAME_MAX + 1 + 16);
    }

    /** Forget the entry name in directory parent (FUSE_NOTIFY_INVAL_ENTRY): the next use looks it up again. */
    public synchronized int invalEntry(long parent, byte[] name) {
        if (closed) return -Errors.ENODEV;
        if (name.length == 0 || name.length > Args.NAME_MAX) return -Errors.EINVAL;
        ByteBuffer b = buf.view();
        int len = HEADER + 16 + name.length + 1;
        header(b, len, INVAL_ENTRY);
        b.putLong(HEADER, parent).putInt(HEADER + 8, name.length).putInt(HEADER + 12, 0);
        b.put(HEADER + 16, name).put(HEADER + 16 + name.length, (byte) 0);
        return channel.send(buf, len);
    }

    /**
     * Forget node's attributes (FUSE_NOTIFY_INVAL_INODE) and, when offset is 0 or more, its
     * cached data from offset for length bytes (0 or less: to the end).
     */
    public synchronized int invalInode(long node, long offset, long length) {
        if (closed) return -Errors.ENODEV;
        ByteBuffer b = buf.view();
        int len = HEADER + 24;
        header(b, len, INVAL_INODE);
        b.putLong(HEADER, node).putLong(HEADER + 8, offset).putLong(HEADER + 16, length);
        return channel.send(buf, len);
    }

    /**
     * Make every cached entry of this mount stale at once (FUSE_NOTIFY_INC_EPOCH, no body): each
     * is looked up again at its next use. Takes no inode lock. Only for kernels of 7.44 or later.
     */
    public synchronized int incEpoch() {
        if (closed) return -Errors.ENODEV;
        header(buf.view(), HEADER, INC_EPOCH);
        return channel.send(buf, HEADER);
    }

    /**
     * Ask the kernel to drop its cached dentries and inodes of these nodes (FUSE_NOTIFY_PRUNE,
     * struct fuse_notify_prune_out {u32 count; u32 padding; u64 spare} then count u64 ids):
     * those not in use go, and each comes back as a FORGET. Only for kernels of 7.45 or later;
     * an older one answers EINVAL.
     */
    public synchronized int prune(long[] nodes, int count) {
        if (closed) return -Errors.ENODEV;
        if (count < 0 || count > PRUNE_BATCH || count > nodes.length) return -Errors.EINVAL;
        if (count == 0) return 0;
        // Room for the iovec FuseDevice#send keeps in the buffer's last bytes, as for buf.
        if (pruneBuf == null) pruneBuf = NativeBuffer.allocate(HEADER + 16 + 8 * PRUNE_BATCH + NativeBuffer.IOV_SIZE);
        ByteBuffer b = pruneBuf.view();
        int len = HEADER + 16 + 8 * count;
        header(b, len, PRUNE);
        b.putInt(HEADER, count).putInt(HEADER + 4, 0).putLong(HEADER + 8, 0);
        for (int i = 0; i < count; i++) b.putLong(HEADER + 16 + 8 * i, nodes[i]);
        return channel.send(pruneBuf, len);
    }

    synchronized void close() {
        if (closed) return;
        closed = true;
        buf.close();
        if (pruneBuf != null) pruneBuf.close();
    }

    private static void header(ByteBuffer b, int len, int code) {
        b.putInt(0, len).putInt(4, code).putLong(8, 0);
    }
}
