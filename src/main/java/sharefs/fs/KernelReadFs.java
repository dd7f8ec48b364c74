package sharefs.fs;

import static sharefs.backing.Flags.O_ACCMODE;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_NOCTTY;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.S_IFDIR;
import static sharefs.backing.Flags.S_IFMT;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.ToIntFunction;
import jnr.ffi.Pointer;
import sharefs.access.Grant;
import sharefs.access.LiveView;
import sharefs.access.Rules;
import sharefs.backing.DirStream;
import sharefs.backing.Errno;
import sharefs.backing.FileOps;
import sharefs.backing.FolderRoot;
import sharefs.backing.NodeCalls;
import sharefs.backing.StatBuf;
import sharefs.backing.Utf8;
import sharefs.fuse.kernel.AttrOut;
import sharefs.fuse.kernel.BytesOut;
import sharefs.fuse.kernel.DirBuffer;
import sharefs.fuse.kernel.EntryOut;
import sharefs.fuse.kernel.FuseHandler;
import sharefs.fuse.kernel.OpenOut;
import sharefs.fuse.kernel.Request;
import sharefs.fuse.kernel.StatfsOut;

/**
 * The reading half of the view on the kernel engine: the same view root, rules (Rules,
 * ModeCheck, Attrs) and backing layer as {@link ReadOnlyFs}, reached by node id instead of by
 * path. Every call has one shape: admit the caller, find the node and its folder's grant in the
 * in-memory view, let the rule refuse, then do the work on the node's descriptor without
 * following symlinks; anything unexpected answers EIO.
 */
abstract class KernelReadFs implements FuseHandler {
    /** Root entries are cached for long: every change to them is notified (see ViewInvalidator). */
    static final long ROOT_ENTRY_NANOS = 3600_000_000_000L;
    /**
     * Inside folders, entries for half a second and attributes not at all, as the libfuse engine
     * (MountOptions): changes made through the agent's other kernel-engine mounts are notified
     * (MountPeer), but not those made on another machine or on the storage, and close-to-open
     * across machines needs a fresh GETATTR. A GETATTR per stat is also what refuses a
     * stranger's stat of a name whose entry is cached (no default_permissions).
     */
    static final long ENTRY_NANOS = 500_000_000L;
    static final long ATTR_NANOS = 0;
    /**
     * Whether a mount's kernel keeps anything of a file it has no handle open on that another
     * mount's write makes stale: not while attributes are uncached and every open drops the page
     * cache (open() never answers FOPEN_KEEP_CACHE). Sending KEEP_CACHE or caching attributes
     * makes this true, and then MountPeer tells a write to every mount holding the file.
     */
    static final boolean CLOSED_FILES_CACHED = ATTR_NANOS > 0;

    /** How long the kernel keeps entries inside folders (`--cache-seconds`; ENTRY_NANOS by default). */
    protected final long entryNanos;
    /** GETATTRs of the view root answered: a mount is ready once a probe has arrived. */
    private final java.util.concurrent.atomic.AtomicLong rootProbes = new java.util.concurrent.atomic.AtomicLong();

    protected final LiveView view;
    protected final Roots roots;
    protected final NodeTable nodes;
    protected final OpenFiles files;
    private final HandleTable<KernelDir> dirs;
    protected final Caller caller;
    private final FolderRoot storageRoot;
    private final long mountedAt = Instant.now().getEpochSecond();
    /** Which opens may go passthrough, and how each node's opens were answered. */
    protected final PassthroughPolicy policy;
    protected final IoModes modes;
    /** READ and WRITE requests that reached the daemon (what passthrough spares it; tests). */
    protected final java.util.concurrent.atomic.AtomicLong readRequests = new java.util.concurrent.atomic.AtomicLong();
    protected final java.util.concurrent.atomic.AtomicLong writeRequests = new java.util.concurrent.atomic.AtomicLong();

    /** A node with the grant of its folder, or the errno that refuses the call. */
    record At(int errno, KernelNode node, Grant grant) {
        static At refuse(int errno) {
            return new At(errno, null, null);
        }

        boolean refused() {
            return errno != 0;
        }
    }

    KernelReadFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FsLimits limits, Lent lent, long entryNanos,
                 PassthroughPolicy policy, String mountName) {
        if (entryNanos < 0) throw new IllegalArgumentException("entry timeout below zero: " + entryNanos);
        this.entryNanos = entryNanos;
        this.policy = policy;
        this.modes = new IoModes(mountName);
        this.view = view;
        this.storageRoot = storageRoot;
        this.roots = new Roots(storageRoot);
        this.caller = new Caller(uid, gid);
        // Past half the budget, NodePruner asks the kernel to let nodes go: the other half is headroom
        // for the lookups that come before its FORGETs do.
        this.nodes = new NodeTable(lent.descriptors(), limits.maxOpenFiles() / 2);
        this.files = new OpenFiles(limits.maxOpenFiles(), lent.descriptors());
        this.dirs = new HandleTable<>(limits.maxOpenDirs(), "open directories", lent.descriptors());
    }

    protected final Who who(Request r) {
        return caller.of(r.uid() & 0xffffffffL);
    }

    /** Node id (not the root) with its folder's grant once rule allows the call; else the errno that refuses it. */
    protected final At at(long id, ToIntFunction<Grant> rule) {
        KernelNode n = nodes.get(id);
        if (n == null) return At.refuse(-Errno.ESTALE);
        Grant g = view.current().byId(n.folderId);
        if (g == null) return At.refuse(-Errno.ENOENT);
        int rc = rule.applyAsInt(g);
        return rc != 0 ? At.refuse(rc) : new At(0, n, g);
    }

    /** A folder's name at the root as the view spells it; null when the bytes are not UTF-8 (no folder has such a name). */
    protected static String rootName(byte[] name) {
        return Utf8.strict(name);
    }

    protected final Grant folderNamed(byte[] name) {
        String s = rootName(name);
        return s == null ? null : view.current().get(s);
    }

    /** Files open through this mount now. */
    public int openFileCount() {
        return files.count();
    }

    /** READ requests that reached the daemon since the mount. */
    public long readRequests() {
        return readRequests.get();
    }

    /** WRITE requests that reached the daemon since the mount. */
    public long writeRequests() {
        return writeRequests.get();
    }

    /** Opens answered passthrough since the mount. */
    public long passthroughOpens() {
        return modes.passthroughOpens();
    }

    /** GETATTRs of the view root answered since the mount. */
    public long rootProbes() {
        return rootProbes.get();
    }

    /** Nodes the kernel holds now. */
    public int nodeCount() {
        return nodes.size();
    }

    /** Whether the kernel holds a node of this backing object of folderId now (tests). */
    boolean holdsNode(String folderId, long dev, long ino) {
        return nodes.holds(folderId, dev, ino);
    }

    @Override
    public int lookup(Request r, long parent, byte[] name, EntryOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (parent == NodeTable.ROOT) return lookupFolder(name, out);
            At a = at(parent, Rules::read);
            if (a.refused()) return a.errno();
            if (name.length == 1 && name[0] == '.') return entryOfNode(a.node(), a.grant(), out, null, null);
            if (name.length == 2 && name[0] == '.' && name[1] == '.') return parentEntry(a, out);
            byte[] c = NodeCalls.component(name);
            if (c == null) return name.length > 255 ? -Errno.ENAMETOOLONG : -Errno.ENOENT;
            int fd = NodeCalls.openPath(a.node().fd, c);
            return fd < 0 ? fd : entry(a.grant(), false, fd, out, entryNanos, a.node(), name);
        } catch (Throwable t) {
            return Errs.fail("lookup", "node " + parent, t);
        }
    }

    /**
     * "..", which the kernel asks (EXPORT_SUPPORT) to reconnect a directory found by file handle
     * (NFS export, open_by_handle_at): the view root above a folder's root, else the parent
     * directory, opened beneath the folder (a directory below the root has its parent inside it).
     */
    private int parentEntry(At a, EntryOut out) {
        KernelNode n = a.node();
        if ((NodeCalls.mode(n.fd) & S_IFMT) != S_IFDIR) return -Errno.ENOTDIR;
        if (n.top) {
            out.nodeId = NodeTable.ROOT;
            out.entryTimeoutNanos = 0;
            out.attrTimeoutNanos = ATTR_NANOS;
            KernelAttrs.viewRoot(out.attr, caller, view.current().grants().size(), mountedAt);
            return 0;
        }
        int fd = NodeCalls.parentPath(n.fd);
        if (fd < 0) return fd;
        // The parent may be the folder's root, whose node the kernel may have forgotten: it must come back as the top
        // node again, whose own ".." is the view root, never the storage directory above it.
        FolderRoot root = roots.of(a.grant());
        int rootFd = root == null ? -Errno.EIO : root.openRootPath();
        if (rootFd < 0) {
            NodeCalls.close(fd);
            return rootFd;
        }
        Pointer st = statBuf.get();
        int rc = NodeCalls.stat(rootFd, st);
        long rootDev = StatBuf.dev(st), rootIno = StatBuf.ino(st);
        NodeCalls.close(rootFd);
        if (rc == 0) rc = NodeCalls.stat(fd, st);
        if (rc < 0) {
            NodeCalls.close(fd);
            return rc;
        }
        boolean top = StatBuf.dev(st) == rootDev && StatBuf.ino(st) == rootIno;
        return entry(a.grant(), top, fd, out, 0, null, null);
    }

    private int lookupFolder(byte[] name, EntryOut out) {
        // "." and ".." of the root (asked with EXPORT_SUPPORT) are the root itself, which the kernel never looks up.
        Grant g = folderNamed(name);
        if (g == null) return -Errno.ENOENT;
        FolderRoot root = roots.of(g);
        if (root == null) return -Errno.EIO;
        int fd = root.openRootPath();
        return fd < 0 ? fd : entry(g, true, fd, out, ROOT_ENTRY_NANOS, null, name);
    }

    /**
     * A struct stat per worker thread for entries and attributes, the engine's commonest answers:
     * a fresh native buffer per call cost an mmap and a later munmap of the allocator's each time.
     * Used only from a stat to the reading of its fields, with nothing in between that stats again.
     */
    private final ThreadLocal<Pointer> statBuf = ThreadLocal.withInitial(StatBuf::allocate);

    /** This worker thread's struct stat (see statBuf). */
    protected final Pointer statBuf() {
        return statBuf.get();
    }

    /**
     * The entry of the object of fd (an O_PATH descriptor taken over here), counted as one lookup,
     * given to the kernel as name (the request's bytes, kept as they are) in directory node parent
     * (null: the view root); name null: as the name it was last given as (".").
     */
    protected final int entry(Grant g, boolean top, int fd, EntryOut out, long entryNanos, KernelNode parent, byte[] name) {
        Pointer st = statBuf.get();
        int rc = NodeCalls.stat(fd, st);
        if (rc < 0) {
            NodeCalls.close(fd);
            return rc;
        }
        KernelNode n = nodes.found(g.folderId(), top, fd, StatBuf.dev(st), StatBuf.ino(st), parent, name);
        if (n == null) return -Errno.ENFILE;
        out.nodeId = n.id;
        out.entryTimeoutNanos = entryNanos;
        out.attrTimeoutNanos = ATTR_NANOS;
        KernelAttrs.present(out.attr, st, caller, g.readOnly());
        return 0;
    }

    /** An entry for a node already given out (link, "."): one more lookup of it, as name in parent (null: "."). */
    protected final int entryOfNode(KernelNode n, Grant g, EntryOut out, KernelNode parent, byte[] name) {
        int fd = NodeCalls.pathOf(n.fd);
        return fd < 0 ? fd : entry(g, n.top, fd, out, n.top ? ROOT_ENTRY_NANOS : entryNanos, parent, name);
    }

    @Override
    public void forget(long node, long nlookup) {
        try {
            nodes.forget(node, nlookup);
        } catch (Throwable t) {
            Errs.fail("forget", "node " + node, t);
        }
    }

    @Override
    public int getattr(Request r, long node, long fh, AttrOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenFile f = fh == -1 ? null : files.get(fh);
            return f == null ? attrs(node, out) : openAttrs(f, out);
        } catch (Throwable t) {
            return Errs.fail("getattr", "node " + node, t);
        }
    }

    /**
     * fstat of the caller's own descriptor, as the libfuse2 engine answers it: also after a
     * kick-out, which reveals nothing new, so that a read on it (which asks for the size first)
     * gets read's refusal, EACCES, on both engines rather than ENOENT here.
     */
    private int openAttrs(OpenFile f, AttrOut out) {
        out.attrTimeoutNanos = ATTR_NANOS;
        Grant g = grantOf(f);
        Pointer st = statBuf.get();
        int rc = FileOps.fstat(f.fd(), st);
        if (rc < 0) return rc;
        KernelAttrs.present(out.attr, st, caller, g == null || g.readOnly());
        return 0;
    }

    protected final int attrs(long node, AttrOut out) {
        out.attrTimeoutNanos = ATTR_NANOS;
        if (node == NodeTable.ROOT) {
            rootProbes.incrementAndGet();
            KernelAttrs.viewRoot(out.attr, caller, view.current().grants().size(), mountedAt);
            return 0;
        }
        At a = at(node, Rules::read);
        if (a.refused()) return a.errno();
        Pointer st = statBuf.get();
        int rc = NodeCalls.stat(a.node().fd, st);
        if (rc < 0) return rc;
        KernelAttrs.present(out.attr, st, caller, a.grant().readOnly());
        return 0;
    }

    @Override
    public int readlink(Request r, long node, BytesOut target) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.EINVAL;
            At a = at(node, Rules::read);
            if (a.refused()) return a.errno();
            Pointer buf = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 4096);
            int n = NodeCalls.readlink(a.node().fd, buf, 4096);
            if (n < 0) return n;
            byte[] b = new byte[n];
            buf.get(0, b, 0, n);
            target.set(b);
            return 0;
        } catch (Throwable t) {
            return Errs.fail("readlink", "node " + node, t);
        }
    }

    @Override
    public int opendir(Request r, long node, int flags, OpenOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            try (HandleTable.Slot<KernelDir> slot = dirs.reserve()) {
                if (slot == null) return -Errno.ENFILE;
                if (node == NodeTable.ROOT) {
                    List<byte[]> names = view.current().grants().stream()
                            .map(g -> g.name().getBytes(StandardCharsets.UTF_8)).toList();
                    slot.keep(KernelDir.root(names));
                    out.fh = slot.handle();
                    return 0;
                }
                At a = at(node, Rules::read);
                if (a.refused()) return a.errno();
                int rc = ModeCheck.bits(NodeCalls.mode(a.node().fd), ModeCheck.R, who);
                if (rc != 0) return rc;
                int fd = NodeCalls.openDir(a.node().fd);
                if (fd < 0) return fd;
                slot.keep(KernelDir.folder(a.grant().folderId(), new DirStream(fd), a.node().fd));
                out.fh = slot.handle();
                nodes.opened(node);
                return 0;
            }
        } catch (Throwable t) {
            return Errs.fail("opendir", "node " + node, t);
        }
    }

    @Override
    public int readdir(Request r, long node, long fh, long offset, DirBuffer out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            KernelDir d = dirs.get(fh);
            if (d == null) return -Errno.EBADF;
            // Like read on an open file: a folder that left the view is not listed any further.
            if (d.folderId() != null && view.current().byId(d.folderId()) == null) return -Errno.EACCES;
            return d.list(offset, out);
        } catch (Throwable t) {
            return Errs.fail("readdir", "node " + node, t);
        }
    }

    /**
     * READDIRPLUS: in a folder, each entry comes with its attributes and node, so `ls -l` and
     * tree walks need no LOOKUP per name; the root's entries stay plain (the kernel looks a
     * folder up itself, through the view).
     */
    @Override
    public int readdirplus(Request r, long node, long fh, long offset, DirBuffer out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            KernelDir d = dirs.get(fh);
            if (d == null) return -Errno.EBADF;
            if (d.folderId() == null) return d.list(offset, out);
            Grant g = view.current().byId(d.folderId());
            if (g == null) return -Errno.EACCES;
            KernelNode dir = nodes.get(node);   // held while it is open
            return d.listPlus(offset, out, new KernelDir.Plus() {
                @Override
                public long entry(int dirFd, byte[] name, EntryOut e) {
                    byte[] c = NodeCalls.component(name);
                    int fd = c == null ? -Errno.EINVAL : NodeCalls.openPath(dirFd, c);
                    if (fd < 0) return 0;
                    // entry() sets every field of e, so one EntryOut serves the whole answer.
                    return KernelReadFs.this.entry(g, false, fd, e, entryNanos, dir, dir == null ? null : name) == 0 ? e.nodeId : 0;
                }

                @Override
                public void unsent(long id) {
                    nodes.forget(id, 1);
                }
            });
        } catch (Throwable t) {
            return Errs.fail("readdirplus", "node " + node, t);
        }
    }

    @Override
    public int releasedir(Request r, long node, long fh, int flags) {
        try {
            KernelDir d = dirs.remove(fh);
            if (d != null) {
                d.close();
                nodes.released(node);
            }
            return 0;
        } catch (Throwable t) {
            return Errs.fail("releasedir", "node " + node, t);
        }
    }

    @Override
    public int open(Request r, long node, int flags, OpenOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.EISDIR;
            At a = at(node, g -> ReadOnlyFs.wantsWrite(flags) ? Rules.write(g) : Rules.read(g));
            if (a.refused()) return a.errno();
            int mode = NodeCalls.mode(a.node().fd);
            if (mode < 0) return mode;
            if ((mode & S_IFMT) == S_IFDIR) return -Errno.EISDIR;
            int need = (flags & O_ACCMODE) == O_RDONLY ? ModeCheck.R
                    : (flags & O_ACCMODE) == 1 ? ModeCheck.W : ModeCheck.R | ModeCheck.W;
            if ((flags & O_TRUNC) != 0) need |= ModeCheck.W;
            int rc = ModeCheck.bits(mode, need, who);
            if (rc != 0) return rc;
            try (HandleTable.Slot<OpenFile> slot = files.reserve()) {
                if (slot == null) return -Errno.ENFILE;
                // O_DIRECT would demand aligned buffers; creation flags were handled by the kernel, and
                // so was O_NOFOLLOW (it resolved the name; the node is a regular file, checked again by
                // reopenRegular): on the /proc reopen it would refuse every file with ELOOP.
                int fd = NodeCalls.reopenRegular(a.node().fd, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_DIRECT | O_NOFOLLOW));
                if (fd < 0) return fd;
                boolean writable = ReadOnlyFs.wantsWrite(flags);
                IoModes.Choice c = modes.open(node, policy.eligible(a.grant(), writable), fd);
                slot.keep(OpenFile.of(fd, a.grant().folderId(), c, writable));
                out.fh = slot.handle();
                out.flags = c.flags();
                out.backingId = c.backingId();
                nodes.opened(node);
                return 0;
            }
        } catch (Throwable t) {
            return Errs.fail("open", "node " + node, t);
        }
    }

    /** After f's descriptor is closed, before node's open count drops: what a writing subclass must tell. */
    protected void released(long node, OpenFile f) {
    }

    /** The grant an open file still has; null once the user lost the folder. */
    protected final Grant grantOf(OpenFile f) {
        return view.current().byId(f.folderId());
    }

    /** A pointer to a direct buffer's bytes from its position on. */
    protected static Pointer pointer(ByteBuffer b) {
        ByteBuffer s = b.position() == 0 ? b : b.slice();
        return jnr.ffi.Runtime.getSystemRuntime().getMemoryManager().newPointer(s);
    }

    @Override
    public int read(Request r, long node, long fh, long offset, int size, ByteBuffer into) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            readRequests.incrementAndGet();
            OpenFile f = files.get(fh);
            if (f == null) return -Errno.EBADF;
            if (grantOf(f) == null) return -Errno.EACCES;
            return FileOps.pread(f.fd(), pointer(into), size, offset);
        } catch (Throwable t) {
            return Errs.fail("read", "node " + node, t);
        }
    }

    /**
     * ENOSYS, so the kernel stops sending FLUSH on this connection (fc->no_flush) after the first
     * close: one request less per close. Nothing is lost: writes reach the backing file before
     * WRITE is answered (no writeback cache), the kernel still writes back a shared mapping's
     * dirty pages and reports their errors on every close before it would send FLUSH, and locks
     * are the kernel's own (POSIX_LOCKS is not negotiated), so a FLUSH had nothing to release.
     * Not FOPEN_NOFLUSH: that skips the kernel's write-back of mapped pages at close as well.
     */
    @Override
    public int flush(Request r, long node, long fh, long lockOwner) {
        return ENOSYS;
    }

    @Override
    public int release(Request r, long node, long fh, int flags) {
        try {
            OpenFile f = files.remove(fh);
            if (f != null) {
                modes.released(node, f.uncached());
                FileOps.close(f.fd());
                released(node, f);
                nodes.released(node);
            }
            return 0;
        } catch (Throwable t) {
            return Errs.fail("release", "node " + node, t);
        }
    }

    @Override
    public int fsync(Request r, long node, long fh, boolean dataOnly) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenFile f = files.get(fh);
            if (f == null) return -Errno.EBADF;
            return FileOps.fsync(f.fd(), dataOnly);
        } catch (Throwable t) {
            return Errs.fail("fsync", "node " + node, t);
        }
    }

    @Override
    public int statfs(Request r, long node, StatfsOut out) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            // struct statvfs on LP64 Linux: eleven unsigned longs from f_bsize to f_namemax.
            Pointer p = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 112);
            int rc = storageRoot.statfs(p);
            if (rc < 0) return rc;
            out.bsize = (int) p.getLong(0);
            out.frsize = (int) p.getLong(8);
            out.blocks = p.getLong(16);
            out.bfree = p.getLong(24);
            out.bavail = p.getLong(32);
            out.files = p.getLong(40);
            out.ffree = p.getLong(48);
            out.namelen = (int) p.getLong(80);
            return 0;
        } catch (Throwable t) {
            return Errs.fail("statfs", "node " + node, t);
        }
    }

    @Override
    public int access(Request r, long node, int mask) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return (mask & ModeCheck.W) != 0 ? -Errno.EACCES : 0;
            At a = at(node, Rules::read);
            if (a.refused()) return a.errno();
            int rc = ModeCheck.bits(NodeCalls.mode(a.node().fd), mask & 7, who);
            if (rc != 0) return rc;
            if ((mask & ModeCheck.W) != 0 && a.grant().readOnly()) return -Errno.EROFS;
            return 0;
        } catch (Throwable t) {
            return Errs.fail("access", "node " + node, t);
        }
    }

    @Override
    public int getxattr(Request r, long node, byte[] name, BytesOut value) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) return -Errno.ENODATA;
            // As the libfuse engine: capabilities, labels and ACLs of backing files grant nothing in a view.
            At a = at(node, g -> XattrNames.hidden(name) ? XattrNames.HIDDEN : Rules.read(g));
            if (a.refused()) return a.errno();
            byte[] c = java.util.Arrays.copyOf(name, name.length + 1);
            int fd = a.node().fd;
            for (;;) {
                int size = NodeCalls.getxattr(fd, c, null, 0);
                if (size < 0) return size;
                Pointer buf = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), Math.max(1, size));
                int got = NodeCalls.getxattr(fd, c, buf, size);
                if (got == -Errno.ERANGE) continue;   // grew in between
                if (got < 0) return got;
                byte[] b = new byte[got];
                buf.get(0, b, 0, got);
                value.set(b);
                return 0;
            }
        } catch (Throwable t) {
            return Errs.fail("getxattr", "node " + node, t);
        }
    }

    @Override
    public int listxattr(Request r, long node, BytesOut names) {
        try {
            Who who = who(r);
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (node == NodeTable.ROOT) {
                names.set(new byte[0]);
                return 0;
            }
            At a = at(node, Rules::read);
            if (a.refused()) return a.errno();
            int fd = a.node().fd;
            for (;;) {
                int size = NodeCalls.listxattr(fd, null, 0);
                if (size < 0) return size;
                Pointer buf = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), Math.max(1, size));
                int got = NodeCalls.listxattr(fd, buf, size);
                if (got == -Errno.ERANGE) continue;
                if (got < 0) return got;
                byte[] b = new byte[got];
                buf.get(0, b, 0, got);
                names.set(XattrNames.withoutHidden(b));
                return 0;
            }
        } catch (Throwable t) {
            return Errs.fail("listxattr", "node " + node, t);
        }
    }

    /** Closes what this filesystem holds open; after unmount. */
    public void closeAll() {
        for (OpenFile f : files.removeAll()) FileOps.close(f.fd());
        for (KernelDir d : dirs.removeAll()) d.close();
        nodes.closeAll();
        roots.close();
    }
}
