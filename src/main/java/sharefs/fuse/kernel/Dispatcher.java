package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * Decodes one request's arguments by opcode, calls the handler, and encodes its answer into the
 * reply buffer right after the 16-byte out header. The reply buffer may be the request's own (the
 * device) or overlap it (a ring entry), so the request is fully read into locals first, except
 * WRITE/SETXATTR data, which the handler consumes before the answer is written. Returns
 * the payload length, a negated errno, or {@link #NO_REPLY}. One instance per worker: the reply
 * objects are reused from request to request.
 */
final class Dispatcher {
    static final int NO_REPLY = Integer.MIN_VALUE;
    static final int OUT = 16;
    private static final int FUSE_GETATTR_FH = 1, FUSE_FSYNC_FDATASYNC = 1;

    private final FuseHandler h;
    private final Interrupts interrupts;
    private final Handshake handshake;
    /** Largest payload an answer may have in this worker's buffer. */
    private final int maxPayload;
    private final EntryOut entry = new EntryOut();
    private final AttrOut attr = new AttrOut();
    private final OpenOut open = new OpenOut();
    private final StatfsOut statfs = new StatfsOut();
    private final BytesOut bytes = new BytesOut();

    Dispatcher(FuseHandler handler, Interrupts interrupts, Handshake handshake, int bufferSize) {
        this.h = handler;
        this.interrupts = interrupts;
        this.handshake = handshake;
        this.maxPayload = bufferSize - OUT - 16;
    }

    /** a: the arguments of the request; b: the reply buffer, its payload at OUT. */
    int dispatch(ByteBuffer b, InHeader in, Args a, Request r) throws Malformed {
        int op = in.opcode();
        if (op == Opcode.INIT) return handshake.answer(a, b, OUT, h);
        if (!handshake.done()) return Opcode.noReply(op) ? NO_REPLY : -Errors.EIO;
        long node = in.nodeId();
        switch (op) {
            case Opcode.FORGET -> {
                h.forget(node, a.u64());
                return NO_REPLY;
            }
            case Opcode.BATCH_FORGET -> {
                return batchForget(a);
            }
            case Opcode.INTERRUPT -> {
                return interrupts.interrupt(a.u64()) ? NO_REPLY : -Errors.EAGAIN;
            }
            case Opcode.NOTIFY_REPLY -> {
                return NO_REPLY;
            }
            case Opcode.LOOKUP -> {
                byte[] name = a.name();
                entry.clear();
                return entryReply(b, h.lookup(r, node, name, entry));
            }
            case Opcode.GETATTR -> {
                int flags = a.u32();
                a.skip(4);
                long fh = a.u64();
                attr.clear();
                return attrReply(b, h.getattr(r, node, (flags & FUSE_GETATTR_FH) != 0 ? fh : -1, attr));
            }
            case Opcode.SETATTR -> {
                SetattrIn s = setattrIn(a);
                attr.clear();
                return attrReply(b, h.setattr(r, node, s, attr));
            }
            case Opcode.READLINK -> {
                bytes.clear();
                return bytesReply(b, h.readlink(r, node, bytes), Integer.MAX_VALUE);
            }
            case Opcode.MKNOD -> {
                int mode = a.u32(), rdev = a.u32(), umask = a.u32();
                a.skip(4);
                byte[] name = a.name();
                entry.clear();
                return entryReply(b, h.mknod(r, node, name, mode, rdev, umask, entry));
            }
            case Opcode.MKDIR -> {
                int mode = a.u32(), umask = a.u32();
                byte[] name = a.name();
                entry.clear();
                return entryReply(b, h.mkdir(r, node, name, mode, umask, entry));
            }
            case Opcode.SYMLINK -> {
                byte[] name = a.name();
                byte[] target = a.string(Args.STRING_MAX);
                entry.clear();
                return entryReply(b, h.symlink(r, node, name, target, entry));
            }
            case Opcode.UNLINK -> {
                return status(h.unlink(r, node, a.name()));
            }
            case Opcode.RMDIR -> {
                return status(h.rmdir(r, node, a.name()));
            }
            case Opcode.RENAME, Opcode.RENAME2 -> {
                long newDir = a.u64();
                int flags = 0;
                if (op == Opcode.RENAME2) {
                    flags = a.u32();
                    a.skip(4);
                }
                byte[] name = a.name();
                byte[] newName = a.name();
                return status(h.rename(r, node, name, newDir, newName, flags));
            }
            case Opcode.LINK -> {
                long old = a.u64();
                byte[] newName = a.name();
                entry.clear();
                return entryReply(b, h.link(r, old, node, newName, entry));
            }
            case Opcode.OPEN, Opcode.OPENDIR -> {
                int flags = a.u32();
                open.clear();
                int rc = op == Opcode.OPEN ? h.open(r, node, flags, open) : h.opendir(r, node, flags, open);
                if (rc < 0) return rc;
                open.encode(b, OUT);
                return OpenOut.SIZE;
            }
            case Opcode.READ -> {
                long fh = a.u64(), offset = a.u64();
                int size = readSize(a.u32());
                int rc = h.read(r, node, fh, offset, size, b.slice(OUT, size));
                return rc > size ? -Errors.EIO : rc;
            }
            case Opcode.WRITE -> {
                long fh = a.u64(), offset = a.u64();
                int size = a.u32(), flags = a.u32();
                a.skip(16);
                ByteBuffer data = a.data(size);
                int rc = h.write(r, node, fh, offset, data, flags);
                if (rc < 0) return rc;
                if (rc > size) return -Errors.EIO;
                b.putInt(OUT, rc).putInt(OUT + 4, 0);
                return 8;
            }
            case Opcode.FLUSH -> {
                long fh = a.u64();
                a.skip(8);
                return status(h.flush(r, node, fh, a.u64()));
            }
            case Opcode.RELEASE, Opcode.RELEASEDIR -> {
                long fh = a.u64();
                int flags = a.u32();
                return status(op == Opcode.RELEASE ? h.release(r, node, fh, flags) : h.releasedir(r, node, fh, flags));
            }
            case Opcode.FSYNC, Opcode.FSYNCDIR -> {
                long fh = a.u64();
                boolean dataOnly = (a.u32() & FUSE_FSYNC_FDATASYNC) != 0;
                return status(op == Opcode.FSYNC ? h.fsync(r, node, fh, dataOnly) : h.fsyncdir(r, node, fh, dataOnly));
            }
            case Opcode.READDIR, Opcode.READDIRPLUS -> {
                long fh = a.u64(), offset = a.u64();
                int size = readSize(a.u32());
                DirBuffer dir = new DirBuffer(b, OUT, size, op == Opcode.READDIRPLUS);
                int rc = op == Opcode.READDIR ? h.readdir(r, node, fh, offset, dir) : h.readdirplus(r, node, fh, offset, dir);
                return rc < 0 ? rc : dir.length();
            }
            case Opcode.STATFS -> {
                statfs.clear();
                int rc = h.statfs(r, node, statfs);
                if (rc < 0) return rc;
                statfs.encode(b, OUT);
                return StatfsOut.SIZE;
            }
            case Opcode.ACCESS -> {
                return status(h.access(r, node, a.u32()));
            }
            case Opcode.CREATE -> {
                int flags = a.u32(), mode = a.u32(), umask = a.u32();
                a.skip(4);
                byte[] name = a.name();
                entry.clear();
                open.clear();
                int rc = h.create(r, node, name, flags, mode, umask, entry, open);
                if (rc < 0) return rc;
                entry.encode(b, OUT);
                open.encode(b, OUT + EntryOut.SIZE);
                return EntryOut.SIZE + OpenOut.SIZE;
            }
            case Opcode.GETXATTR, Opcode.LISTXATTR -> {
                int size = a.u32();
                a.skip(4);
                bytes.clear();
                int rc = op == Opcode.GETXATTR ? h.getxattr(r, node, a.string(Args.STRING_MAX), bytes) : h.listxattr(r, node, bytes);
                if (rc < 0) return rc;
                if (bytes.get() == null) bytes.set(new byte[0]);
                byte[] v = bytes.get();
                if (size == 0) {
                    b.putInt(OUT, v.length).putInt(OUT + 4, 0);
                    return 8;
                }
                return v.length > Integer.toUnsignedLong(size) ? -Errors.ERANGE : bytesReply(b, 0, size);
            }
            case Opcode.SETXATTR -> {
                int size = a.u32(), flags = a.u32();
                byte[] name = a.string(Args.STRING_MAX);
                return status(h.setxattr(r, node, name, a.data(size), flags));
            }
            case Opcode.REMOVEXATTR -> {
                return status(h.removexattr(r, node, a.string(Args.STRING_MAX)));
            }
            case Opcode.FALLOCATE -> {
                long fh = a.u64(), offset = a.u64(), length = a.u64();
                return status(h.fallocate(r, node, fh, offset, length, a.u32()));
            }
            case Opcode.LSEEK -> {
                long fh = a.u64(), offset = a.u64();
                long rc = h.lseek(r, node, fh, offset, a.u32());
                if (rc < 0) return rc >= -4095 ? (int) rc : -Errors.EIO;
                b.putLong(OUT, rc);
                return 8;
            }
            case Opcode.DESTROY -> {
                h.destroy();
                return 0;
            }
            default -> {
                return -Errors.ENOSYS;
            }
        }
    }

    /** For calls that answer no payload: any success is 0. */
    private static int status(int rc) {
        return Math.min(rc, 0);
    }

    private int batchForget(Args a) throws Malformed {
        long count = a.u32() & 0xffffffffL;
        a.skip(4);
        if (count * 16 > a.remaining()) {
            throw new Malformed(0, -Errors.EINVAL, "BATCH_FORGET of " + count + " nodes in " + a.remaining() + " bytes");
        }
        for (long i = 0; i < count; i++) h.forget(a.u64(), a.u64());
        return NO_REPLY;
    }

    private int readSize(int size) throws Malformed {
        if (size < 0 || size > maxPayload) throw new Malformed(0, -Errors.EINVAL, "a read of " + Integer.toUnsignedString(size) + " bytes");
        return size;
    }

    private static SetattrIn setattrIn(Args a) throws Malformed {
        int valid = a.u32();
        a.skip(4);
        long fh = a.u64(), size = a.u64(), lockOwner = a.u64(), atime = a.u64(), mtime = a.u64(), ctime = a.u64();
        int atimeNsec = a.u32(), mtimeNsec = a.u32(), ctimeNsec = a.u32(), mode = a.u32();
        a.skip(4);
        int uid = a.u32(), gid = a.u32();
        return new SetattrIn(valid, fh, size, lockOwner, atime, atimeNsec, mtime, mtimeNsec, ctime, ctimeNsec, mode, uid, gid);
    }

    private int entryReply(ByteBuffer b, int rc) {
        if (rc < 0) return rc;
        entry.encode(b, OUT);
        return EntryOut.SIZE;
    }

    private int attrReply(ByteBuffer b, int rc) {
        if (rc < 0) return rc;
        attr.encode(b, OUT);
        return AttrOut.SIZE;
    }

    /** The handler's bytes as the payload, if rc is a success and they fit in limit and the buffer. */
    private int bytesReply(ByteBuffer b, int rc, int limit) {
        if (rc < 0) return rc;
        byte[] v = bytes.get();
        if (v == null) return -Errors.EIO;
        if (v.length > Math.min(limit, maxPayload)) return -Errors.ERANGE;
        b.put(OUT, v);
        return v.length;
    }
}
