package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * What a filesystem implements to be served by a {@link Session}: one method per FUSE request,
 * by node id (1 is the root; every other id is one the handler gave out in an {@link EntryOut}).
 * Every method that answers returns 0 (or a count where documented) on success and a negated
 * errno on failure; the defaults answer -ENOSYS, which the kernel passes to the caller or, for
 * some calls (open, flush, fsync, access, xattrs, fallocate, lseek), remembers and stops asking.
 *
 * <p>Names are bytes end to end, exactly as the caller gave them: never decode them. Reply
 * objects are filled in place and are valid only during the call. Methods are called from
 * several worker threads at once, for different requests; a method that throws answers -EIO
 * and the engine goes on serving.
 *
 * <p>Lookup counts: each successful answer carrying an EntryOut with a non-zero nodeId (lookup,
 * mknod, mkdir, symlink, link, create, and readdirplus entries as {@link DirBuffer} says) adds
 * one to that node's count; {@link #forget} takes counts away. A node id may be reused only
 * after its count is back at zero. With EXPORT_SUPPORT negotiated, lookup may be asked for "."
 * and "..".
 */
public interface FuseHandler {
    int ENOSYS = -Errors.ENOSYS;

    /** After INIT: what the kernel and the engine agreed on. */
    default void init(Negotiated negotiated) {
    }

    /** DESTROY (sent for fuseblk mounts only): the connection is going away. */
    default void destroy() {
    }

    default int lookup(Request r, long parent, byte[] name, EntryOut out) {
        return ENOSYS;
    }

    /** The kernel drops nlookup references to node (FORGET and BATCH_FORGET); never answered. */
    default void forget(long node, long nlookup) {
    }

    /** fh: the open handle when the caller asked through one (fstat), else -1. */
    default int getattr(Request r, long node, long fh, AttrOut out) {
        return ENOSYS;
    }

    default int setattr(Request r, long node, SetattrIn in, AttrOut out) {
        return ENOSYS;
    }

    default int readlink(Request r, long node, BytesOut target) {
        return ENOSYS;
    }

    default int mknod(Request r, long parent, byte[] name, int mode, int rdev, int umask, EntryOut out) {
        return ENOSYS;
    }

    default int mkdir(Request r, long parent, byte[] name, int mode, int umask, EntryOut out) {
        return ENOSYS;
    }

    default int symlink(Request r, long parent, byte[] name, byte[] target, EntryOut out) {
        return ENOSYS;
    }

    default int unlink(Request r, long parent, byte[] name) {
        return ENOSYS;
    }

    default int rmdir(Request r, long parent, byte[] name) {
        return ENOSYS;
    }

    /** RENAME and RENAME2; flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2), RENAME_WHITEOUT (4). */
    default int rename(Request r, long parent, byte[] name, long newParent, byte[] newName, int flags) {
        return ENOSYS;
    }

    /** A new name newName in newParent for node. */
    default int link(Request r, long node, long newParent, byte[] newName, EntryOut out) {
        return ENOSYS;
    }

    /** flags: the open(2) flags (O_CREAT, O_EXCL, O_NOCTTY removed by the kernel). */
    default int open(Request r, long node, int flags, OpenOut out) {
        return ENOSYS;
    }

    /**
     * Up to size bytes at offset into into (a buffer of exactly size bytes, position 0);
     * returns the count placed at its start (fewer only at end of file), or -errno.
     */
    default int read(Request r, long node, long fh, long offset, int size, ByteBuffer into) {
        return ENOSYS;
    }

    /** data: the bytes to write at offset (read-only, valid during the call); returns the count written. */
    default int write(Request r, long node, long fh, long offset, ByteBuffer data, int writeFlags) {
        return ENOSYS;
    }

    /** close(2) of one descriptor of an open (there may be several, after dup or fork). */
    default int flush(Request r, long node, long fh, long lockOwner) {
        return ENOSYS;
    }

    /** The last descriptor of an open is gone; the answer is not seen by anyone. */
    default int release(Request r, long node, long fh, int flags) {
        return 0;
    }

    default int fsync(Request r, long node, long fh, boolean dataOnly) {
        return ENOSYS;
    }

    default int opendir(Request r, long node, int flags, OpenOut out) {
        return ENOSYS;
    }

    /** Entries from offset on (0: the start; else a nextOffset this handler gave out). */
    default int readdir(Request r, long node, long fh, long offset, DirBuffer out) {
        return ENOSYS;
    }

    /** READDIRPLUS; the default answers with readdir's plain entries (no attributes, no lookups). */
    default int readdirplus(Request r, long node, long fh, long offset, DirBuffer out) {
        return readdir(r, node, fh, offset, out);
    }

    default int releasedir(Request r, long node, long fh, int flags) {
        return 0;
    }

    default int fsyncdir(Request r, long node, long fh, boolean dataOnly) {
        return ENOSYS;
    }

    default int statfs(Request r, long node, StatfsOut out) {
        return ENOSYS;
    }

    /** access(2) with mask R_OK/W_OK/X_OK bits (F_OK is 0). */
    default int access(Request r, long node, int mask) {
        return ENOSYS;
    }

    /** Make and open a regular file in one step (open(2) with O_CREAT). */
    default int create(Request r, long parent, byte[] name, int flags, int mode, int umask, EntryOut entry, OpenOut open) {
        return ENOSYS;
    }

    /** The value of xattr name; the engine answers size probes and -ERANGE from it. */
    default int getxattr(Request r, long node, byte[] name, BytesOut value) {
        return ENOSYS;
    }

    /** Every xattr name of node, each followed by a NUL. */
    default int listxattr(Request r, long node, BytesOut names) {
        return ENOSYS;
    }

    /** flags: XATTR_CREATE (1) or XATTR_REPLACE (2). value is read-only and valid during the call. */
    default int setxattr(Request r, long node, byte[] name, ByteBuffer value, int flags) {
        return ENOSYS;
    }

    default int removexattr(Request r, long node, byte[] name) {
        return ENOSYS;
    }

    default int fallocate(Request r, long node, long fh, long offset, long length, int mode) {
        return ENOSYS;
    }

    /** SEEK_DATA (3) or SEEK_HOLE (4) (the kernel answers SEEK_SET/CUR/END itself); the offset, or -errno. */
    default long lseek(Request r, long node, long fh, long offset, int whence) {
        return ENOSYS;
    }
}
