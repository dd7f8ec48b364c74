package sharefs.fs;

import static sharefs.backing.Flags.O_DIRECT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.RENAME_NOREPLACE;
import static sharefs.backing.Flags.S_IFIFO;
import static sharefs.backing.Flags.S_IFMT;
import static sharefs.backing.Flags.S_IFREG;
import static sharefs.backing.Flags.S_IFSOCK;

import java.nio.ByteBuffer;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.access.Grant;
import sharefs.access.LiveView;
import sharefs.access.Rules;
import sharefs.backing.Errno;
import sharefs.backing.FileOps;
import sharefs.backing.Flags;
import sharefs.backing.FolderRoot;
import sharefs.backing.NodeCalls;
import sharefs.fuse.kernel.AttrOut;
import sharefs.fuse.kernel.BackingFiles;
import sharefs.fuse.kernel.EntryOut;
import sharefs.fuse.kernel.OpenOut;
import sharefs.fuse.kernel.PassthroughStatus;
import sharefs.fuse.kernel.Request;
import sharefs.fuse.kernel.Session;
import sharefs.fuse.kernel.SetattrIn;

/**
 * One user's view on the kernel engine: the writing half, each call gated by the permission
 * table (Rules) and the root rules (ViewRootRules) exactly as {@link SharefsFs} gates them, by
 * node instead of by path. Served by `sharefs mount --engine kernel` (ViewMount).
 */
public final class KernelViewFs extends KernelReadFs {
    private static final Logger log = LoggerFactory.getLogger(KernelViewFs.class);
    private static final long NEW_NAME_BYTES = 4096;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;

    private final FolderRenamer renamer;
    private final SpaceGuard space;
    private final ViewInvalidator invalidator;
    private final NodePruner pruner;
    /** The one thread this mount's notifications go out on. */
    private final java.util.concurrent.ExecutorService notices;
    /** This mount among the agent's other kernel-engine mounts: what it changes, they are told. */
    private final MountPeer peers;
    private final String mountName;
    private volatile PassthroughStatus passthroughStatus = PassthroughStatus.NOT_ASKED;
    /** Whether this worker thread's umask is cleared yet (the kernel applied the caller's). */
    private final ThreadLocal<Boolean> umaskCleared = ThreadLocal.withInitial(() -> false);

    public KernelViewFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer, FsLimits limits,
                        Lent lent, String mountName) {
        this(view, storageRoot, uid, gid, renamer, limits, lent, mountName, ENTRY_NANOS);
    }

    /** entryNanos: how long the kernel keeps entries inside folders (`--cache-seconds`). */
    public KernelViewFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer, FsLimits limits,
                        Lent lent, String mountName, long entryNanos) {
        this(view, storageRoot, uid, gid, renamer, limits, lent, mountName, entryNanos, Passthrough.OFF);
    }

    /** passthrough: which opens the kernel may serve from the backing file itself (PassthroughPolicy). */
    public KernelViewFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer, FsLimits limits,
                        Lent lent, String mountName, long entryNanos, Passthrough passthrough) {
        super(view, storageRoot, uid, gid, limits, lent, entryNanos, new PassthroughPolicy(passthrough, lent.space().defends()),
                mountName);
        this.mountName = mountName;
        this.renamer = renamer;
        this.space = lent.space();
        this.notices = NoticeThread.of(mountName);
        this.invalidator = new ViewInvalidator(nodes, notices);
        this.pruner = new NodePruner(nodes, limits.maxOpenFiles() / 4, notices);
        this.peers = lent.coherence().join(nodes, mountName, notices);
    }

    /** Whether this mount asks the kernel for FUSE_PASSTHROUGH (SessionConfig#passthrough). */
    public boolean wantsPassthrough() {
        return policy.mode() != Passthrough.OFF;
    }

    /** Whether writes in owned folders go passthrough here: asked, accepted, and no storage reserve to keep. */
    public boolean passthroughWrites() {
        return passthroughStatus.accepted() && policy.ownedWrites();
    }

    /** What the kernel said to passthrough on this mount. */
    public PassthroughStatus passthroughStatus() {
        return passthroughStatus;
    }

    /** After the mount: view changes from now on are told to session's kernel, and opens may go passthrough. */
    public void attach(Session session) {
        attach(session, session.negotiated().kernelMinor());
    }

    /** As {@link #attach(Session)}, with the pruner told the kernel speaks FUSE 7.pruneMinor (tests of older kernels' path). */
    void attach(Session session, int pruneMinor) {
        invalidator.attach(session.notifier(), view.current());
        pruner.attach(session.notifier(), pruneMinor);
        peers.attach(session.notifier(), session.negotiated().kernelMinor());
        if (!wantsPassthrough()) return;
        passthroughStatus = session.passthrough();
        BackingFiles b = session.backingFiles();
        if (b != null) {
            modes.attach(b::open, b::close);
            log.info("{}: {}", mountName, policy.describe());
        } else {
            log.info("{}: --passthrough {} asked, but the kernel's passthrough is {}: every read and write goes through the daemon",
                    mountName, policy.mode().word(), passthroughStatus.describe());
        }
    }

    /** LiveView's listener: retire the roots of folders that left, and tell the kernel what went stale. */
    public void viewChanged() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Grant g : view.current().grants()) ids.add(g.folderId());
        roots.retainOnly(ids);
        invalidator.changed(view.current());
    }

    /** INVAL_ENTRYs the pruner sent so far, and of them answered ENOENT (tests). */
    long[] prunedNames() {
        return new long[] {pruner.namesAsked(), pruner.namesGone()};
    }

    /** Waits until every view change so far has been told to the kernel (tests). */
    boolean invalidationsSent(long timeoutMillis) throws InterruptedException {
        return invalidator.drain(timeoutMillis);
    }

    @Override
    public void closeAll() {
        invalidator.close();
        pruner.close();
        peers.close();
        notices.shutdownNow();
        super.closeAll();
    }

    private void ownUmask() {
        if (umaskCleared.get()) return;
        ThreadUmask.clearForThisThread();
        umaskCleared.set(true);
    }

    /** The prelude of every call that makes name in parent: the root's answer, the rule, the directory's bits, the reserve. */
    private At toCreate(long parent, byte[] name, long mode, Who who) {
        if (parent == NodeTable.ROOT) return At.refuse(ViewRootRules.create(folderNamed(name)));
        At a = at(parent, g -> SharefsFs.writeWithMode(g, mode));
        if (a.refused()) return a;
        int rc = ModeCheck.bits(NodeCalls.mode(a.node().fd), ModeCheck.W | ModeCheck.X, who);
        if (rc == 0) rc = space.allow(NEW_NAME_BYTES);
        return rc != 0 ? At.refuse(rc) : a;
    }

    /** The prelude of unlink and rmdir. */
    private At toRemove(long parent, byte[] name, Who who) {
        if (parent == NodeTable.ROOT) return At.refuse(ViewRootRules.remove(folderNamed(name)));
        At a = at(parent, Rules::delete);
        if (a.refused()) return a;
        int rc = ModeCheck.bits(NodeCalls.mode(a.node().fd), ModeCheck.W | ModeCheck.X, who);
        return rc != 0 ? At.refuse(rc) : a;
    }

    /** name as one component, or the errno a bad one gets. */
    private static int badName(byte[] name) {
        return name.length > 255 ? -Errno.ENAMETOOLONG : -Errno.EINVAL;
    }

    /** The entry of name in the parent of a, made just now. */
    private int newEntry(At a, byte[] name, byte[] cname, EntryOut out) {
        peers.nameChanged(a.node(), name);
        int fd = NodeCalls.openPath(a.node().fd, cname);
        return fd < 0 ? fd : entry(a.grant(), false, fd, out, entryNanos, a.node(), name);
    }

    private int onWritableFile(long fh, IntUnaryOperator op) {
        OpenFile f = files.get(fh);
        if (f == null) return -Errno.EBADF;
        Grant g = grantOf(f);
        if (g == null) return -Errno.EACCES;
        int rc = Rules.write(g);
        return rc != 0 ? rc : op.applyAsInt(f.fd());
    }

    @Override
    public int create(Request r, long parent, byte[] name, int flags, int mode, int umask, EntryOut entry, OpenOut open) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            At a = toCreate(parent, name, mode, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            ownUmask();
            try (HandleTable.Slot<OpenFile> slot = files.reserve()) {
                if (slot == null) return -Errno.ENFILE;
                int fd = NodeCalls.create(a.node().fd, c, flags & ~O_DIRECT, mode & 0777);
                if (fd < 0) return fd;
                int path = NodeCalls.pathOf(fd);
                int rc = path < 0 ? path : entry(a.grant(), false, path, entry, entryNanos, a.node(), name);
                if (rc < 0) {
                    FileOps.close(fd);
                    return rc;
                }
                boolean writable = ReadOnlyFs.wantsWrite(flags);
                IoModes.Choice ch = modes.open(entry.nodeId, policy.eligible(a.grant(), writable), fd);
                slot.keep(OpenFile.of(fd, a.grant().folderId(), ch, writable));
                open.fh = slot.handle();
                open.flags = ch.flags();
                open.backingId = ch.backingId();
                nodes.opened(entry.nodeId);
                peers.nameChanged(a.node(), name);
                // Without O_EXCL the name may have been there: its bytes are gone now.
                if ((flags & O_TRUNC) != 0 && !peers.alone()) peers.dataChanged(nodes.get(entry.nodeId), 0, 0);
                return 0;
            }
        } catch (Throwable t) {
            return Errs.fail("create", "node " + parent, t);
        }
    }

    /** An open with O_TRUNC (the shell's `>`, asked for atomically) changed the file's bytes. */
    @Override
    public int open(Request r, long node, int flags, OpenOut out) {
        int rc = super.open(r, node, flags, out);
        if (rc == 0 && (flags & O_TRUNC) != 0 && !peers.alone()) peers.dataChanged(nodes.get(node), 0, 0);
        return rc;
    }

    /** A passthrough writer's bytes never came by here: the other mounts hear of them at its close. */
    @Override
    protected void released(long node, OpenFile f) {
        if (f.unseenWrites() && !peers.alone()) peers.dataChanged(nodes.get(node), 0, 0);
    }

    @Override
    public int write(Request r, long node, long fh, long offset, ByteBuffer data, int writeFlags) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            int size = data.remaining();
            writeRequests.incrementAndGet();
            int n = onWritableFile(fh, fd -> {
                int rc = space.allow(size);
                return rc != 0 ? rc : FileOps.pwrite(fd, pointer(data), size, offset);
            });
            if (n > 0 && !peers.alone()) peers.dataChanged(nodes.get(node), offset, n);
            return n;
        } catch (Throwable t) {
            return Errs.fail("write", "node " + node, t);
        }
    }

    @Override
    public int fallocate(Request r, long node, long fh, long offset, long length, int mode) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            int done = onWritableFile(fh, fd -> {
                int rc = (mode & FALLOC_FL_PUNCH_HOLE) != 0 ? 0 : space.allow(length);
                return rc != 0 ? rc : FileOps.fallocate(fd, mode, offset, length);
            });
            if (done == 0 && !peers.alone()) peers.dataChanged(nodes.get(node), offset, length);
            return done;
        } catch (Throwable t) {
            return Errs.fail("fallocate", "node " + node, t);
        }
    }

    @Override
    public int mkdir(Request r, long parent, byte[] name, int mode, int umask, EntryOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            At a = toCreate(parent, name, mode, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            ownUmask();
            int rc = NodeCalls.mkdir(a.node().fd, c, mode & 01777);
            return rc < 0 ? rc : newEntry(a, name, c, out);
        } catch (Throwable t) {
            return Errs.fail("mkdir", "node " + parent, t);
        }
    }

    @Override
    public int mknod(Request r, long parent, byte[] name, int mode, int rdev, int umask, EntryOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            int type = mode & S_IFMT;
            // Device nodes are refused for everyone, whatever the folder's permission.
            if (type != S_IFIFO && type != S_IFREG && type != S_IFSOCK) return -Errno.EPERM;
            At a = toCreate(parent, name, mode, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            ownUmask();
            int rc;
            if (type == S_IFREG) {
                int fd = NodeCalls.create(a.node().fd, c, O_EXCL | O_WRONLY, mode & 0777);
                rc = fd < 0 ? fd : FileOps.close(fd);
            } else {
                rc = NodeCalls.mknod(a.node().fd, c, type | (mode & 0777));
            }
            return rc < 0 ? rc : newEntry(a, name, c, out);
        } catch (Throwable t) {
            return Errs.fail("mknod", "node " + parent, t);
        }
    }

    @Override
    public int symlink(Request r, long parent, byte[] name, byte[] target, EntryOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            At a = toCreate(parent, name, 0, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            int rc = NodeCalls.symlink(target, a.node().fd, c);
            return rc < 0 ? rc : newEntry(a, name, c, out);
        } catch (Throwable t) {
            return Errs.fail("symlink", "node " + parent, t);
        }
    }

    @Override
    public int link(Request r, long node, long newParent, byte[] newName, EntryOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.EPERM;
            if (newParent == NodeTable.ROOT) return ViewRootRules.create(folderNamed(newName));
            KernelNode from = nodes.get(node);
            KernelNode to = nodes.get(newParent);
            if (from == null || to == null) return -Errno.ESTALE;
            if (from.top) return -Errno.EPERM;
            if (!from.folderId.equals(to.folderId)) return -Errno.EXDEV;
            At a = toCreate(newParent, newName, 0, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(newName);
            if (c == null) return badName(newName);
            int rc = NodeCalls.link(from.fd, a.node().fd, c);
            if (rc < 0) return rc;
            peers.linked(a.node(), newName, from);
            // The same node, with its link count fresh for every name of it.
            return entryOfNode(from, a.grant(), out, a.node(), newName);
        } catch (Throwable t) {
            return Errs.fail("link", "node " + node, t);
        }
    }

    @Override
    public int unlink(Request r, long parent, byte[] name) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            At a = toRemove(parent, name, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            // The object the name leaves, for the other mounts holding it: its link count drops.
            long dev = 0, ino = -1;
            if (!peers.alone()) {
                jnr.ffi.Pointer st = statBuf();
                if (NodeCalls.statEntry(a.node().fd, c, st) == 0) {
                    dev = sharefs.backing.StatBuf.dev(st);
                    ino = sharefs.backing.StatBuf.ino(st);
                }
            }
            int rc = NodeCalls.unlink(a.node().fd, c);
            if (rc == 0) peers.unlinked(a.node(), name, dev, ino);
            return rc;
        } catch (Throwable t) {
            return Errs.fail("unlink", "node " + parent, t);
        }
    }

    @Override
    public int rmdir(Request r, long parent, byte[] name) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            At a = toRemove(parent, name, who);
            if (a.refused()) return a.errno();
            byte[] c = NodeCalls.component(name);
            if (c == null) return badName(name);
            int rc = NodeCalls.rmdir(a.node().fd, c);
            if (rc == 0) peers.nameChanged(a.node(), name);
            return rc;
        } catch (Throwable t) {
            return Errs.fail("rmdir", "node " + parent, t);
        }
    }

    @Override
    public int rename(Request r, long parent, byte[] name, long newParent, byte[] newName, int flags) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (parent == NodeTable.ROOT) return renameAtRoot(name, newParent, newName, flags);
            if (newParent == NodeTable.ROOT) return ViewRootRules.moveOnto(folderNamed(newName));
            KernelNode from = nodes.get(parent);
            KernelNode to = nodes.get(newParent);
            if (from == null || to == null) return -Errno.ESTALE;
            if (!from.folderId.equals(to.folderId)) return -Errno.EXDEV;
            // Exchange and whiteout are refused as the libfuse engine's kernel refuses them (it has
            // no RENAME2): an exchange is a replacement the table has no row for yet. NOREPLACE is
            // a plain rename that replaces nothing.
            if ((flags & ~RENAME_NOREPLACE) != 0) return -Errno.EINVAL;
            At a = at(parent, Rules::write);
            if (a.refused()) return a.errno();
            int rc = ModeCheck.bits(NodeCalls.mode(from.fd), ModeCheck.W | ModeCheck.X, who);
            if (rc == 0 && to != from) rc = ModeCheck.bits(NodeCalls.mode(to.fd), ModeCheck.W | ModeCheck.X, who);
            if (rc != 0) return rc;
            byte[] c1 = NodeCalls.component(name);
            byte[] c2 = NodeCalls.component(newName);
            if (c1 == null) return badName(name);
            if (c2 == null) return badName(newName);
            Grant g = a.grant();
            // NOREPLACE makes "may not replace" race-free; a caller that asked for it gets its EEXIST.
            rc = NodeCalls.rename(from.fd, c1, to.fd, c2, g.mayDelete() ? flags : flags | RENAME_NOREPLACE);
            if (rc == -Errno.EEXIST && !g.mayDelete() && (flags & RENAME_NOREPLACE) == 0) return Rules.delete(g);
            if (rc == 0) {
                peers.renamed(from, name, to, newName);
                if (pruner.byName()) followRename(g, to, c2, newName);
            }
            return rc;
        } catch (Throwable t) {
            return Errs.fail("rename", "node " + parent, t);
        }
    }

    /** `mv a b` at the view root: the folder rename rules; moving a folder into a folder is refused. */
    private int renameAtRoot(byte[] name, long newParent, byte[] newName, int flags) {
        String from = rootName(name);
        Grant g = from == null ? null : view.current().get(from);
        if (g == null) return -Errno.ENOENT;
        if (newParent != NodeTable.ROOT) return -Errno.EPERM;
        if (flags != 0) return -Errno.EINVAL;
        String to = rootName(newName);
        if (to == null) return -Errno.EINVAL;
        int rc = ViewRootRules.renameFolder(view, renamer, from, to);
        // LiveView's listener has queued the invalidations; the kernel moves this dentry itself.
        if (rc == 0) nodes.topMoved(g.folderId(), newName);
        return rc;
    }

    @Override
    public int setattr(Request r, long node, SetattrIn in, AttrOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            int rc = node == NodeTable.ROOT ? setattrRoot(in) : setattrNode(node, in, who);
            if (rc != 0) return rc;
            if (node != NodeTable.ROOT && !peers.alone()) {
                KernelNode n = nodes.get(node);
                if (in.has(SetattrIn.FATTR_SIZE)) peers.dataChanged(n, 0, 0);
                else peers.attrsChanged(n);
            }
            return attrs(node, out);
        } catch (Throwable t) {
            return Errs.fail("setattr", "node " + node, t);
        }
    }

    /**
     * The kernel moved the renamed object's dentry to newName in to, and may never look it up
     * there: the pruner must ask for it under that name. One stat more per rename, only on kernels
     * where the pruner goes by names (without FUSE_NOTIFY_PRUNE).
     */
    private void followRename(Grant g, KernelNode to, byte[] cname, byte[] newName) {
        jnr.ffi.Pointer st = statBuf();
        if (NodeCalls.statEntry(to.fd, cname, st) != 0) return;
        nodes.moved(g.folderId(), sharefs.backing.StatBuf.dev(st), sharefs.backing.StatBuf.ino(st), to, newName);
    }

    /** At the root, as the libfuse engine: chmod EPERM, chown to the session itself a no-op, truncate EISDIR, times EACCES. */
    private int setattrRoot(SetattrIn in) {
        if (in.has(SetattrIn.FATTR_MODE)) return -Errno.EPERM;
        if (in.has(SetattrIn.FATTR_UID) && (in.uid() & 0xffffffffL) != caller.uid()) return -Errno.EPERM;
        if (in.has(SetattrIn.FATTR_GID) && (in.gid() & 0xffffffffL) != caller.gid()) return -Errno.EPERM;
        if (in.has(SetattrIn.FATTR_SIZE)) return -Errno.EISDIR;
        if (in.has(SetattrIn.FATTR_ATIME | SetattrIn.FATTR_MTIME | SetattrIn.FATTR_ATIME_NOW | SetattrIn.FATTR_MTIME_NOW)) {
            return -Errno.EACCES;
        }
        return 0;
    }

    private int setattrNode(long node, SetattrIn in, Who who) {
        At a = at(node, Rules::read);
        if (a.refused()) return a.errno();
        KernelNode n = a.node();
        Grant g = a.grant();
        if (in.has(SetattrIn.FATTR_UID | SetattrIn.FATTR_GID)) {
            // Everything already appears owned by the session: a chown to anyone else is refused.
            boolean sameUid = !in.has(SetattrIn.FATTR_UID) || (in.uid() & 0xffffffffL) == caller.uid();
            boolean sameGid = !in.has(SetattrIn.FATTR_GID) || (in.gid() & 0xffffffffL) == caller.gid();
            if (!sameUid || !sameGid) return -Errno.EPERM;
            int rc = Rules.write(g);
            if (rc == 0) rc = NodeCalls.chownToItsOwner(n.fd);
            if (rc != 0) return rc;
        }
        if (in.has(SetattrIn.FATTR_MODE)) {
            int rc = SharefsFs.writeWithMode(g, in.mode());
            // Whoever may write in a folder may not lock its owner out of it: its top is the owner's.
            if (rc == 0 && n.top && !g.owner()) rc = -Errno.EPERM;
            if (rc == 0) rc = NodeCalls.chmod(n.fd, in.mode() & 01777);
            if (rc != 0) return rc;
        }
        if (in.has(SetattrIn.FATTR_SIZE)) {
            int rc;
            if (in.hasFh() && files.get(in.fh()) != null) {
                rc = onWritableFile(in.fh(), fd -> FileOps.ftruncate(fd, in.size()));
            } else {
                rc = Rules.write(g);
                if (rc == 0) rc = ModeCheck.bits(NodeCalls.mode(n.fd), ModeCheck.W, who);
                if (rc == 0) rc = NodeCalls.truncate(n.fd, in.size());
            }
            if (rc != 0) return rc;
        }
        if (in.has(SetattrIn.FATTR_ATIME | SetattrIn.FATTR_MTIME | SetattrIn.FATTR_ATIME_NOW | SetattrIn.FATTR_MTIME_NOW)) {
            int rc = Rules.write(g);
            if (rc == 0) rc = NodeCalls.utimens(n.fd, times(in));
            if (rc != 0) return rc;
        }
        return 0;
    }

    private static long[] times(SetattrIn in) {
        long[] t = {0, Flags.UTIME_OMIT, 0, Flags.UTIME_OMIT};
        if (in.has(SetattrIn.FATTR_ATIME_NOW)) t[1] = Flags.UTIME_NOW;
        else if (in.has(SetattrIn.FATTR_ATIME)) {
            t[0] = in.atime();
            t[1] = in.atimeNsec();
        }
        if (in.has(SetattrIn.FATTR_MTIME_NOW)) t[3] = Flags.UTIME_NOW;
        else if (in.has(SetattrIn.FATTR_MTIME)) {
            t[2] = in.mtime();
            t[3] = in.mtimeNsec();
        }
        return t;
    }

    @Override
    public int setxattr(Request r, long node, byte[] name, ByteBuffer value, int flags) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.EACCES;
            At a = at(node, Rules::write);
            if (a.refused()) return a.errno();
            int size = value.remaining();
            int rc = XattrNames.namespace(name);
            if (rc == 0) rc = space.allow(size);
            if (rc != 0) return rc;
            rc = NodeCalls.setxattr(a.node().fd, java.util.Arrays.copyOf(name, name.length + 1), pointer(value), size, flags);
            if (rc == 0) peers.attrsChanged(a.node());
            return rc;
        } catch (Throwable t) {
            return Errs.fail("setxattr", "node " + node, t);
        }
    }

    @Override
    public int removexattr(Request r, long node, byte[] name) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.EACCES;
            At a = at(node, Rules::write);
            if (a.refused()) return a.errno();
            int rc = XattrNames.namespace(name);
            if (rc == 0) rc = NodeCalls.removexattr(a.node().fd, java.util.Arrays.copyOf(name, name.length + 1));
            if (rc == 0) peers.attrsChanged(a.node());
            return rc;
        } catch (Throwable t) {
            return Errs.fail("removexattr", "node " + node, t);
        }
    }
}
