package sharefs.fs;

import static sharefs.backing.Flags.O_ACCMODE;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_NOCTTY;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_TRUNC;

import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import sharefs.access.Grant;
import sharefs.access.LiveView;
import sharefs.access.Rules;
import sharefs.backing.DirStream;
import sharefs.backing.Errno;
import sharefs.backing.FileOps;
import sharefs.backing.FolderRoot;

/**
 * The reading half of the view: the virtual root listing one directory per folder, and
 * pass-through reads beneath each folder. Every operation has one shape: check the caller,
 * look the folder up in the in-memory view, do the work on the backing directory without
 * following symlinks, and turn anything unexpected into EIO.
 */
public class ReadOnlyFs extends FuseStubFS {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadOnlyFs.class);
    protected final LiveView view;
    protected final Roots roots;
    protected final OpenFiles files;
    private final HandleTable<OpenDir> dirs;
    protected final Caller caller;
    private final FolderRoot storageRoot;
    private final long mountedAt = Instant.now().getEpochSecond();
    private final java.util.concurrent.atomic.AtomicLong rootProbes = new java.util.concurrent.atomic.AtomicLong();
    /** Whether this mount has said that it leaves names that are not UTF-8 out of listings. */
    private final java.util.concurrent.atomic.AtomicBoolean toldNotUtf8 = new java.util.concurrent.atomic.AtomicBoolean();
    /** The callbacks that take names, bound to their bytes; kept here, since they live only as long as this. */
    private final NameCallbacks nameCallbacks;

    /** lent: what the agent shares among its mounts (descriptors, the storage reserve). */
    protected ReadOnlyFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FsLimits limits, Lent lent) {
        this.view = view;
        this.files = new OpenFiles(limits.maxOpenFiles(), lent.descriptors());
        this.dirs = new HandleTable<>(limits.maxOpenDirs(), "open directories", lent.descriptors());
        this.roots = new Roots(storageRoot);
        this.storageRoot = storageRoot;
        this.caller = new Caller(uid, gid);
        // With hard_remove, libfuse 2 forgets the path of a file unlinked while open and then
        // answers ENOENT for read/write/ftruncate on its descriptor unless the filesystem accepts a
        // null path (flag_nullpath_ok, bit 0 of the flags word after bmap). Every call that has
        // a descriptor here works from fi.fh alone, and a null path parses as the view root,
        // which grants nothing, so accepting it is safe.
        FuseFlags.acceptNullPath(fuseOperations);
        // Without flag_utime_omit_ok (bit 2 of that word) libfuse 2 silently drops a utimensat
        // that sets only one of atime/mtime (UTIME_OMIT on the other, e.g. `touch -m`): it
        // answers 0 and changes nothing. With it, utimens gets UTIME_NOW/UTIME_OMIT, which
        // the backing utimensat understands.
        FuseFlags.acceptUtimeOmit(fuseOperations);
        this.nameCallbacks = NameCallbacks.install(fuseOperations, this);
    }

    /** jnr-ffi's member types are protected: their offsets are readable only inside a Struct subclass. */
    private static final class FuseFlags extends Struct {
        private FuseFlags() {
            super(jnr.ffi.Runtime.getSystemRuntime());
        }

        static void acceptNullPath(ru.serce.jnrfuse.struct.FuseOperations ops) {
            Struct.getMemory(ops).putByte(ops.flag_nullpath_ok.offset(), (byte) 1);
        }

        /** jnr-fuse gives each C bitfield its own byte; the real bits all live in the first one. */
        static void acceptUtimeOmit(ru.serce.jnrfuse.struct.FuseOperations ops) {
            jnr.ffi.Pointer mem = Struct.getMemory(ops);
            long at = ops.flag_nullpath_ok.offset();
            mem.putByte(at, (byte) (mem.getByte(at) | 4));
        }
    }

    /** The callback table libfuse is given; shared with the loop that mounts it. */
    final ru.serce.jnrfuse.struct.FuseOperations operations() {
        return fuseOperations;
    }

    @Override
    protected String getFSName() {
        return "sharefs";
    }

    /** The caller of the current operation; read once per operation and passed to its checks. */
    protected final Who who() {
        return caller.of(getContext());
    }

    protected final Grant grant(FusePath p) {
        return view.current().get(p.folder());
    }

    /**
     * The folder of p and its backing root, once rule allows the operation on the user's grant
     * (a row of the permission table, or an operation's own check); else the errno that refuses.
     * The rule is asked before the backing directory is touched.
     */
    protected final Target folderOf(FusePath p, ToIntFunction<Grant> rule) {
        Grant g = grant(p);
        if (g == null) return Target.refuse(-Errno.ENOENT);
        int rc = rule.applyAsInt(g);
        if (rc != 0) return Target.refuse(rc);
        FolderRoot r = roots.of(g);
        return r == null ? Target.refuse(-Errno.EIO) : Target.of(g, r);
    }

    /** The grant an open file still has; null once the user lost the folder. */
    protected final Grant grantOf(OpenFile f) {
        return view.current().byId(f.folderId());
    }

    /** Files open through this mount now. */
    public int openFileCount() {
        return files.count();
    }

    /** Directories open through this mount now (each holds a descriptor and a listing buffer). */
    public int openDirCount() {
        return dirs.count();
    }

    /** How many times the kernel asked for the root's attributes: proof a probe got here. */
    public long rootProbes() {
        return rootProbes.get();
    }

    /** Called when the view changed: forget the directories of folders that left it. */
    public void viewChanged() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Grant g : view.current().grants()) ids.add(g.folderId());
        roots.retainOnly(ids);
    }

    @Override
    public Pointer init(Pointer conn) {
        try {
            ConnWants.apply(conn);
        } catch (Throwable t) {
            Errs.fail("init", "/", t);
        }
        return null;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            return attrsOf(path, stat);
        } catch (Throwable t) {
            return Errs.fail("getattr", path, t);
        }
    }

    /** getattr once the caller has been admitted; also fgetattr's answer for a handle it does not know. */
    private int attrsOf(String path, FileStat stat) {
        FusePath p = FusePath.parse(path);
        if (p.isRoot()) {
            rootProbes.incrementAndGet();
            Attrs.viewRoot(stat, caller, view.current().grants().size(), mountedAt);
            return 0;
        }
        Target t = folderOf(p, Rules::read);
        if (t.refused()) return t.errno();
        int rc = t.root().stat(p.rel(), Struct.getMemory(stat));
        if (rc < 0) return rc;
        Attrs.present(stat, caller, t.grant().readOnly());
        return 0;
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return attrsOf(path, stat);
            Grant g = grantOf(f);
            // libfuse answers a create with this fgetattr: failing it after a kick-out that raced the
            // create would report an error for a file that was made. Attributes of the caller's own
            // descriptor reveal nothing new; reads and writes on it stay refused.
            int rc = FileOps.fstat(f.fd(), Struct.getMemory(stat));
            if (rc < 0) return rc;
            Attrs.present(stat, caller, g == null || g.readOnly());
            return 0;
        } catch (Throwable t) {
            return Errs.fail("fgetattr", path, t);
        }
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return grant(p) == null && !p.isRoot() ? -Errno.ENOENT : -Errno.EINVAL;
            Target t = folderOf(p, Rules::read);
            if (t.refused()) return t.errno();
            if (size <= 0) return -Errno.EINVAL;
            int n = t.root().readlink(p.rel(), buf, (int) Math.min(Integer.MAX_VALUE, size - 1));
            if (n < 0) return n;
            buf.putByte(n, (byte) 0);
            return 0;
        } catch (Throwable t) {
            return Errs.fail("readlink", path, t);
        }
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) {
                try (HandleTable.Slot<OpenDir> slot = dirs.reserve()) {
                    if (slot == null) return -Errno.ENFILE;
                    fi.fh.set(slot.handle());
                    slot.keep(new ViewRootDir(this::folderNames));
                    return 0;
                }
            }
            Target t = folderOf(p, Rules::read);
            if (t.refused()) return t.errno();
            int rc = ModeCheck.entry(t.root(), p.rel(), ModeCheck.R, who);
            if (rc != 0) return rc;
            String folderId = t.grant().folderId();
            java.util.function.Consumer<byte[]> skipped = name -> skippedNotUtf8(p, name);
            try (HandleTable.Slot<OpenDir> slot = dirs.reserve()) {
                if (slot == null) return -Errno.ENFILE;
                int fd = t.root().openDir(p.rel());
                return fd < 0 ? fd : keep(slot, fd, d -> new FolderDir(new DirStream(d, skipped), folderId), fi);
            }
        } catch (Throwable t) {
            return Errs.fail("opendir", path, t);
        }
    }

    /**
     * A backing entry whose name is not UTF-8 has no name this engine can give without it naming
     * another entry too (every lookup of such a name answers EILSEQ), so listings leave it out.
     * Said once per mount: a directory listed again and again must not flood the log.
     */
    private void skippedNotUtf8(FusePath dir, byte[] name) {
        if (!toldNotUtf8.compareAndSet(false, true)) return;
        log.warn("folder {}: the entry {} in {} has a name that is not UTF-8; listings leave out every such entry"
                        + " (said once per mount)", sharefs.sharing.Names.loggable(dir.folder()),
                sharefs.backing.Utf8.escaped(name), dir.rel().isEmpty() ? "its top directory"
                        : "'" + sharefs.sharing.Names.loggable(dir.rel()) + "'");
    }

    private List<String> folderNames() {
        return view.current().grants().stream().map(Grant::name).toList();
    }

    /**
     * Hands the kernel the handle of fd, kept in slot as what make builds from it. Should
     * anything fail on the way, fd is closed here and the slot freed by its close: nothing leaks.
     */
    protected static <T> int keep(HandleTable.Slot<T> slot, int fd, IntFunction<T> make, FuseFileInfo fi) {
        boolean kept = false;
        try {
            T value = make.apply(fd);
            fi.fh.set(slot.handle());
            slot.keep(value);
            kept = true;
            return 0;
        } finally {
            if (!kept) FileOps.close(fd);
        }
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenDir d = dirs.get(fi.fh.get());
            if (d == null) return -Errno.EBADF;
            // Like read on an open file: a folder that left the view is not listed any further.
            if (d.folderId() != null && view.current().byId(d.folderId()) == null) return -Errno.EACCES;
            return d.list(buf, filler, offset);
        } catch (Throwable t) {
            return Errs.fail("readdir", path, t);
        }
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        try {
            OpenDir d = dirs.remove(fi.fh.get());
            if (d != null) d.close();
            return 0;
        } catch (Throwable t) {
            return Errs.fail("releasedir", path, t);
        }
    }

    /** Whether open flags ask to change the file: a write access mode or O_TRUNC. */
    protected static boolean wantsWrite(int flags) {
        return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return grant(p) == null && !p.isRoot() ? -Errno.ENOENT : -Errno.EISDIR;
            int flags = fi.flags.get();
            Target t = folderOf(p, g -> wantsWrite(flags) ? Rules.write(g) : Rules.read(g));
            return t.refused() ? t.errno() : openFile(t, p, flags, fi, who);
        } catch (Throwable t) {
            return Errs.fail("open", path, t);
        }
    }

    private int openFile(Target t, FusePath p, int flags, FuseFileInfo fi, Who who) {
        FolderRoot r = t.root();
        int need = (flags & O_ACCMODE) == O_RDONLY ? ModeCheck.R
                : (flags & O_ACCMODE) == 1 ? ModeCheck.W : ModeCheck.R | ModeCheck.W;
        // With atomic O_TRUNC the truncation happens here, so it needs write permission, as
        // open(2) asks for it natively whatever the access mode.
        if ((flags & O_TRUNC) != 0) need |= ModeCheck.W;
        int rc = ModeCheck.beforeUse(r, p.rel(), need, who);
        if (rc != 0) return rc;
        String folderId = t.grant().folderId();
        try (HandleTable.Slot<OpenFile> slot = files.reserve()) {
            if (slot == null) return -Errno.ENFILE;
            // O_DIRECT would demand aligned buffers from FUSE's; creation flags were handled by the kernel.
            int fd = r.openRegular(p.rel(), flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_DIRECT), 0);
            return fd < 0 ? fd : keep(slot, fd, f -> new OpenFile(f, folderId), fi);
        }
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return -Errno.EBADF;
            if (grantOf(f) == null) return -Errno.EACCES;
            return FileOps.pread(f.fd(), buf, size, offset);
        } catch (Throwable t) {
            return Errs.fail("read", path, t);
        }
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        try {
            OpenFile f = files.remove(fi.fh.get());
            if (f != null) FileOps.close(f.fd());
            return 0;
        } catch (Throwable t) {
            return Errs.fail("release", path, t);
        }
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return -Errno.EBADF;
            return FileOps.fsync(f.fd(), isdatasync != 0);
        } catch (Throwable t) {
            return Errs.fail("fsync", path, t);
        }
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            return storageRoot.statfs(Struct.getMemory(stbuf));
        } catch (Throwable t) {
            return Errs.fail("statfs", path, t);
        }
    }

    @Override
    public int access(String path, int mask) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return (mask & ModeCheck.W) != 0 ? -Errno.EACCES : 0;
            Target t = folderOf(p, Rules::read);
            if (t.refused()) return t.errno();
            int rc = ModeCheck.entry(t.root(), p.rel(), mask & 7, who);
            if (rc != 0) return rc;
            if ((mask & ModeCheck.W) != 0 && t.grant().readOnly()) return -Errno.EROFS;
            return 0;
        } catch (Throwable t) {
            return Errs.fail("access", path, t);
        }
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errno.ENODATA;
            // Capabilities, security labels and ACLs of backing files grant nothing in a view (the
            // daemon enforces the table and owner bits), so they are not shown. The kernel asks for
            // security.capability before the first write of every open file: answer from memory.
            Target t = folderOf(p, g -> XattrNames.hidden(name) ? XattrNames.HIDDEN : Rules.read(g));
            return t.refused() ? t.errno() : t.root().getxattr(p.rel(), name, value, size);
        } catch (Throwable t) {
            return Errs.fail("getxattr", path, t);
        }
    }

    /**
     * Drops the hidden names, and those that are not UTF-8 (getxattr could not be asked for them),
     * from a NUL-separated xattr name list in place; returns the new length.
     */
    static int withoutHidden(Pointer list, int n) {
        byte[] all = new byte[n];
        list.get(0, all, 0, n);
        byte[] out = XattrNames.withoutHiddenOrUndecodable(all);
        list.put(0, out, 0, out.length);
        return out.length;
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return 0;
            Target t = folderOf(p, Rules::read);
            if (t.refused()) return t.errno();
            int n = t.root().listxattr(p.rel(), list, size);
            return n <= 0 || size == 0 ? n : withoutHidden(list, n);
        } catch (Throwable t) {
            return Errs.fail("listxattr", path, t);
        }
    }

    /** Closes what this filesystem holds open; called after unmount. */
    public void closeAll() {
        for (OpenFile f : files.removeAll()) FileOps.close(f.fd());
        for (OpenDir d : dirs.removeAll()) d.close();
        roots.close();
    }
}
