package sharefs.fs;

import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.RENAME_NOREPLACE;

import java.util.function.IntUnaryOperator;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;
import sharefs.access.Grant;
import sharefs.access.LiveView;
import sharefs.access.Rules;
import sharefs.backing.Errno;
import sharefs.backing.FileOps;
import sharefs.backing.FolderRoot;

/**
 * The writing half: every operation that changes a folder, each gated by the permission table
 * (Rules) before it touches the backing directory. At the view root nothing can be created or
 * removed; an `mv` there renames a folder for its owner.
 */
public final class SharefsFs extends ReadOnlyFs {
    private static final int SET_ID_BITS = 06000;

    /** What a new name costs at least (a directory block), for the storage reserve. */
    private static final long NEW_NAME_BYTES = 4096;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;

    private final FolderRenamer renamer;
    private final SpaceGuard space;

    public SharefsFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer) {
        this(view, storageRoot, uid, gid, renamer, FsLimits.DEFAULT);
    }

    public SharefsFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer, FsLimits limits) {
        this(view, storageRoot, uid, gid, renamer, limits, Lent.nothing());
    }

    /** lent: what the agent shares among its mounts (descriptors, the storage reserve). */
    public SharefsFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer, FsLimits limits,
                     Lent lent) {
        super(view, storageRoot, uid, gid, limits, lent);
        this.renamer = renamer;
        this.space = lent.space();
    }

    /** Creating a name directly under the view root: EEXIST for a folder's name, EACCES otherwise. */
    private int createAtRoot(FusePath p) {
        if (p.isRoot()) return -Errno.EEXIST;
        return ViewRootRules.create(grant(p));
    }

    /** Removing a name directly under the view root never removes a folder. */
    private int removeAtRoot(FusePath p) {
        if (p.isRoot()) return -Errno.EBUSY;
        return ViewRootRules.remove(grant(p));
    }

    /**
     * The prelude of every op that makes a new name at p: create, mkdir, mknod, symlink, link.
     * The storage reserve comes after every permission check, so a refusal says why first.
     */
    private Target toCreate(FusePath p, long mode, Who who) {
        if (p.isRoot() || p.isFolderItself()) return Target.refuse(createAtRoot(p));
        Target t = inWritableParent(p, folderOf(p, g -> writeWithMode(g, mode)), who);
        if (t.refused()) return t;
        int rc = space.allow(NEW_NAME_BYTES);
        return rc != 0 ? Target.refuse(rc) : t;
    }

    /** The prelude of every op that removes the name at p: unlink, rmdir. */
    private Target toRemove(FusePath p, Who who) {
        if (p.isRoot() || p.isFolderItself()) return Target.refuse(removeAtRoot(p));
        return inWritableParent(p, folderOf(p, Rules::delete), who);
    }

    /** The prelude of every op that changes the entry at p; at the view root it gets atRoot. */
    private Target toChange(FusePath p, int atRoot, long mode) {
        return p.isRoot() ? Target.refuse(atRoot) : folderOf(p, g -> writeWithMode(g, mode));
    }

    /** The write row, with the setuid/setgid row first: that one is EPERM for every level, view included. */
    static int writeWithMode(Grant g, long mode) {
        return (mode & SET_ID_BITS) != 0 ? -Errno.EPERM : Rules.write(g);
    }

    /** Making or removing a name also needs the owner bits of its directory (for the session's uid). */
    private Target inWritableParent(FusePath p, Target t, Who who) {
        if (t.refused()) return t;
        int rc = ModeCheck.parentOf(t.root(), p.rel(), who);
        return rc != 0 ? Target.refuse(rc) : t;
    }

    /**
     * Runs op on the descriptor of an open file the user may still write (checked on every call,
     * so a downgrade reaches descriptors opened before it); else the errno that refuses it.
     */
    private int onWritableFile(FuseFileInfo fi, IntUnaryOperator op) {
        OpenFile f = files.get(fi.fh.get());
        if (f == null) return -Errno.EBADF;
        Grant g = grantOf(f);
        if (g == null) return -Errno.EACCES;
        int rc = Rules.write(g);
        return rc != 0 ? rc : op.applyAsInt(f.fd());
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toCreate(p, mode, who);
            if (t.refused()) return t.errno();
            int flags = fi.flags.get() & ~O_DIRECT;
            String folderId = t.grant().folderId();
            try (HandleTable.Slot<OpenFile> slot = files.reserve()) {
                if (slot == null) return -Errno.ENFILE;
                // Without O_EXCL an existing name is opened, and it may be a FIFO made since the kernel's lookup.
                int fd = t.root().openRegular(p.rel(), flags | O_CREAT, (int) (mode & 0777));
                return fd < 0 ? fd : keep(slot, fd, f -> new OpenFile(f, folderId), fi);
            }
        } catch (Throwable t) {
            return Errs.fail("create", path, t);
        }
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            return onWritableFile(fi, fd -> {
                int rc = space.allow(size);
                return rc != 0 ? rc : FileOps.pwrite(fd, buf, size, offset);
            });
        } catch (Throwable t) {
            return Errs.fail("write", path, t);
        }
    }

    @Override
    public int truncate(String path, long size) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            return truncateAt(path, size, who);
        } catch (Throwable t) {
            return Errs.fail("truncate", path, t);
        }
    }

    /** truncate once the caller has been admitted; also ftruncate's for a handle it does not know. */
    private int truncateAt(String path, long size, Who who) {
        FusePath p = FusePath.parse(path);
        Target t = toChange(p, -Errno.EISDIR, 0);
        if (t.refused()) return t.errno();
        int rc = ModeCheck.beforeUse(t.root(), p.rel(), ModeCheck.W, who);
        return rc != 0 ? rc : t.root().truncate(p.rel(), size);
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            if (files.get(fi.fh.get()) == null) return truncateAt(path, size, who);
            return onWritableFile(fi, fd -> FileOps.ftruncate(fd, size));
        } catch (Throwable t) {
            return Errs.fail("ftruncate", path, t);
        }
    }

    @Override
    public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            return onWritableFile(fi, fd -> {
                // Punching a hole frees space; anything else may take up to length.
                int rc = (mode & FALLOC_FL_PUNCH_HOLE) != 0 ? 0 : space.allow(length);
                return rc != 0 ? rc : FileOps.fallocate(fd, mode, off, length);
            });
        } catch (Throwable t) {
            return Errs.fail("fallocate", path, t);
        }
    }

    @Override
    public int mkdir(String path, long mode) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toCreate(p, mode, who);
            return t.refused() ? t.errno() : t.root().mkdir(p.rel(), (int) (mode & 01777));
        } catch (Throwable t) {
            return Errs.fail("mkdir", path, t);
        }
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            int type = (int) (mode & FileStat.S_IFMT);
            // Device nodes are refused for everyone, whatever the folder's permission. FIFOs and
            // Unix-domain sockets (bind(2) on a path) are plain entries of a folder.
            if (type != FileStat.S_IFIFO && type != FileStat.S_IFREG && type != FileStat.S_IFSOCK) return -Errno.EPERM;
            FusePath p = FusePath.parse(path);
            Target t = toCreate(p, mode, who);
            if (t.refused()) return t.errno();
            if (type == FileStat.S_IFREG) {
                int fd = t.root().open(p.rel(), O_CREAT | O_EXCL | O_WRONLY, (int) (mode & 0777));
                return fd < 0 ? fd : FileOps.close(fd);
            }
            return t.root().mknod(p.rel(), (int) (type | (mode & 0777)), 0);
        } catch (Throwable t) {
            return Errs.fail("mknod", path, t);
        }
    }

    /** What libfuse calls is {@link #symlink(byte[], String)}, with the target's bytes (see NameCallbacks). */
    @Override
    public int symlink(String target, String linkPath) {
        try {
            return symlink(target.getBytes(java.nio.charset.StandardCharsets.UTF_8), linkPath);
        } catch (Throwable t) {
            return Errs.fail("symlink", linkPath, t);
        }
    }

    /**
     * The target is the caller's bytes, whatever they are, not a name of this filesystem: stored
     * verbatim and never resolved by the daemon (the caller's kernel resolves it, in the caller's
     * namespace), as readlink hands back the stored bytes verbatim.
     */
    int symlink(byte[] target, String linkPath) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(linkPath);
            Target t = toCreate(p, 0, who);
            return t.refused() ? t.errno() : t.root().symlink(target, p.rel());
        } catch (Throwable t) {
            return Errs.fail("symlink", linkPath, t);
        }
    }

    @Override
    public int link(String from, String to) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath pf = FusePath.parse(from);
            FusePath pt = FusePath.parse(to);
            if (pf.isRoot() || pf.isFolderItself()) return -Errno.EPERM;
            if (pt.isRoot() || pt.isFolderItself()) return createAtRoot(pt);
            if (!pf.folder().equals(pt.folder())) return -Errno.EXDEV;
            Target t = toCreate(pt, 0, who);
            return t.refused() ? t.errno() : t.root().link(pf.rel(), pt.rel());
        } catch (Throwable t) {
            return Errs.fail("link", from + " -> " + to, t);
        }
    }

    @Override
    public int unlink(String path) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toRemove(p, who);
            return t.refused() ? t.errno() : t.root().unlink(p.rel());
        } catch (Throwable t) {
            return Errs.fail("unlink", path, t);
        }
    }

    @Override
    public int rmdir(String path) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toRemove(p, who);
            return t.refused() ? t.errno() : t.root().rmdir(p.rel());
        } catch (Throwable t) {
            return Errs.fail("rmdir", path, t);
        }
    }

    @Override
    public int rename(String from, String to) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath pf = FusePath.parse(from);
            FusePath pt = FusePath.parse(to);
            if (pf.isRoot() || pt.isRoot()) return -Errno.EBUSY;
            if (pf.isFolderItself()) return renameFolder(pf, pt);
            if (pt.isFolderItself()) return ViewRootRules.moveOnto(grant(pt));
            if (!pf.folder().equals(pt.folder())) return -Errno.EXDEV;
            Target t = inWritableParent(pf, folderOf(pf, Rules::write), who);
            if (t.refused()) return t.errno();
            Grant g = t.grant();
            FolderRoot r = t.root();
            int rc = ModeCheck.parentOf(r, pt.rel(), who);
            if (rc != 0) return rc;
            if (g.mayDelete()) return r.rename(pf.rel(), pt.rel(), 0);
            // Without delete permission a rename may not replace anything; NOREPLACE makes that race-free.
            rc = r.rename(pf.rel(), pt.rel(), RENAME_NOREPLACE);
            if (rc == -Errno.EEXIST) return Rules.delete(g);
            return rc;
        } catch (Throwable t) {
            return Errs.fail("rename", from + " -> " + to, t);
        }
    }

    /** `mv a b` at the view root: the folder rename rules; moving a folder into a folder is refused. */
    private int renameFolder(FusePath pf, FusePath pt) {
        if (!pt.isFolderItself()) return grant(pf) == null ? -Errno.ENOENT : -Errno.EPERM;
        int rc = ViewRootRules.renameFolder(view, renamer, pf.folder(), pt.folder());
        if (rc == 0) viewChanged();
        return rc;
    }

    @Override
    public int chmod(String path, long mode) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toChange(p, -Errno.EPERM, mode);
            if (t.refused()) return t.errno();
            // Whoever may write in a folder may not lock its owner out of it: its top is the owner's.
            if (p.isFolderItself() && !t.grant().owner()) return -Errno.EPERM;
            return t.root().chmod(p.rel(), (int) (mode & 01777));
        } catch (Throwable t) {
            return Errs.fail("chmod", path, t);
        }
    }

    @Override
    public int chown(String path, long uid, long gid) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            // Everything already appears owned by the session: a chown to anyone else is refused.
            boolean sameUid = (int) uid == -1 || uid == caller.uid();
            boolean sameGid = (int) gid == -1 || gid == caller.gid();
            if (p.isRoot()) return sameUid && sameGid ? 0 : -Errno.EPERM;
            Target t = folderOf(p, Rules::read);
            if (t.refused()) return t.errno();
            int mode = t.root().mode(p.rel());
            if (mode < 0) return mode;
            if (!sameUid || !sameGid) return -Errno.EPERM;
            // A chown to oneself changes no owner but is still a change (its ctime), as natively:
            // refused where the folder is read-only.
            int rc = Rules.write(t.grant());
            return rc != 0 ? rc : t.root().chownToItsOwner(p.rel());
        } catch (Throwable t) {
            return Errs.fail("chown", path, t);
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toChange(p, -Errno.EACCES, 0);
            if (t.refused()) return t.errno();
            long[] times = timespec == null ? null : new long[] {
                    timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue(),
                    timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue()};
            return t.root().utimens(p.rel(), times);
        } catch (Throwable t) {
            return Errs.fail("utimens", path, t);
        }
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toChange(p, -Errno.EACCES, 0);
            if (t.refused()) return t.errno();
            int rc = XattrNames.namespace(name);
            if (rc == 0) rc = space.allow(size);
            return rc != 0 ? rc : t.root().setxattr(p.rel(), name, value, size, flags);
        } catch (Throwable t) {
            return Errs.fail("setxattr", path, t);
        }
    }

    @Override
    public int removexattr(String path, String name) {
        try {
            Who who = who();
            if (who == Who.STRANGER) return -Errno.EACCES;
            FusePath p = FusePath.parse(path);
            Target t = toChange(p, -Errno.EACCES, 0);
            if (t.refused()) return t.errno();
            int rc = XattrNames.namespace(name);
            return rc != 0 ? rc : t.root().removexattr(p.rel(), name);
        } catch (Throwable t) {
            return Errs.fail("removexattr", path, t);
        }
    }
}
