package sharefs.fs;

import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.RENAME_NOREPLACE;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;
import sharefs.access.Grant;
import sharefs.access.LiveView;
import sharefs.access.Rules;
import sharefs.backing.FileOps;
import sharefs.backing.FolderRoot;

/**
 * The writing half: every operation that changes a folder, each gated by the permission table
 * (Rules) before it touches the backing directory. At the view root nothing can be created or
 * removed; an `mv` there renames a folder for its owner.
 */
public final class SharefsFs extends ReadOnlyFs {
    private static final int SET_ID_BITS = 06000;

    private final FolderRenamer renamer;

    public SharefsFs(LiveView view, FolderRoot storageRoot, long uid, long gid, FolderRenamer renamer) {
        super(view, storageRoot, uid, gid);
        this.renamer = renamer;
    }

    /** Creating a name directly under the view root: EEXIST for a folder's name, EACCES otherwise. */
    private int createAtRoot(FusePath p) {
        if (p.isRoot()) return -Errs.EEXIST;
        return grant(p) != null ? -Errs.EEXIST : -Errs.EACCES;
    }

    /** Removing a name directly under the view root never removes a folder. */
    private int removeAtRoot(FusePath p) {
        if (p.isRoot()) return -Errs.EBUSY;
        return grant(p) != null ? -Errs.EPERM : -Errs.ENOENT;
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return createAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            // The setuid/setgid row of the table is EPERM for every level, view included.
            if ((mode & SET_ID_BITS) != 0) return -Errs.EPERM;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            int flags = fi.flags.get() & ~O_DIRECT;
            int fd = r.open(p.rel(), flags | O_CREAT, (int) (mode & 0777));
            if (fd < 0) return fd;
            fi.fh.set(files.add(new OpenFile(fd, g.folderId(), false)));
            return 0;
        } catch (Throwable t) {
            return Errs.fail("create", path, t);
        }
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        try {
            int d = denied();
            if (d != 0) return d;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return -Errs.EBADF;
            Grant g = grantOf(f);
            if (g == null) return -Errs.EACCES;
            // Checked on every write, so a downgrade reaches descriptors opened before it.
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            return FileOps.pwrite(f.fd(), buf, size, offset);
        } catch (Throwable t) {
            return Errs.fail("write", path, t);
        }
    }

    @Override
    public int truncate(String path, long size) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errs.EISDIR;
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.entry(r, p.rel(), ModeCheck.W, callerIsRoot());
            if (rc != 0) return rc;
            return r.truncate(p.rel(), size);
        } catch (Throwable t) {
            return Errs.fail("truncate", path, t);
        }
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        try {
            int d = denied();
            if (d != 0) return d;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return truncate(path, size);
            Grant g = grantOf(f);
            if (g == null) return -Errs.EACCES;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            return FileOps.ftruncate(f.fd(), size);
        } catch (Throwable t) {
            return Errs.fail("ftruncate", path, t);
        }
    }

    @Override
    public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
        try {
            int d = denied();
            if (d != 0) return d;
            OpenFile f = files.get(fi.fh.get());
            if (f == null) return -Errs.EBADF;
            Grant g = grantOf(f);
            if (g == null) return -Errs.EACCES;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            return FileOps.fallocate(f.fd(), mode, off, length);
        } catch (Throwable t) {
            return Errs.fail("fallocate", path, t);
        }
    }

    @Override
    public int mkdir(String path, long mode) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return createAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            // The setuid/setgid row of the table is EPERM for every level, view included.
            if ((mode & SET_ID_BITS) != 0) return -Errs.EPERM;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            return r.mkdir(p.rel(), (int) (mode & 01777));
        } catch (Throwable t) {
            return Errs.fail("mkdir", path, t);
        }
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        try {
            int d = denied();
            if (d != 0) return d;
            int type = (int) (mode & FileStat.S_IFMT);
            // Device nodes and sockets are refused for everyone, whatever the folder's permission.
            if (type != FileStat.S_IFIFO && type != FileStat.S_IFREG) return -Errs.EPERM;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return createAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            // The setuid/setgid row of the table is EPERM for every level, view included.
            if ((mode & SET_ID_BITS) != 0) return -Errs.EPERM;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            if (type == FileStat.S_IFREG) {
                int fd = r.open(p.rel(), O_CREAT | O_EXCL | O_WRONLY, (int) (mode & 0777));
                return fd < 0 ? fd : FileOps.close(fd);
            }
            return r.mknod(p.rel(), (int) (type | (mode & 0777)), 0);
        } catch (Throwable t) {
            return Errs.fail("mknod", path, t);
        }
    }

    @Override
    public int symlink(String target, String linkPath) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(linkPath);
            if (p.isRoot() || p.isFolderItself()) return createAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            // Stored verbatim: the caller's kernel resolves it in the caller's namespace, never the daemon.
            return r.symlink(target, p.rel());
        } catch (Throwable t) {
            return Errs.fail("symlink", linkPath, t);
        }
    }

    @Override
    public int link(String from, String to) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath pf = FusePath.parse(from);
            FusePath pt = FusePath.parse(to);
            if (pf.isRoot() || pf.isFolderItself()) return -Errs.EPERM;
            if (pt.isRoot() || pt.isFolderItself()) return createAtRoot(pt);
            if (!pf.folder().equals(pt.folder())) return -Errs.EXDEV;
            Grant g = grant(pt);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, pt.rel(), callerIsRoot());
            if (rc != 0) return rc;
            return r.link(pf.rel(), pt.rel());
        } catch (Throwable t) {
            return Errs.fail("link", from + " -> " + to, t);
        }
    }

    @Override
    public int unlink(String path) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return removeAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.delete(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            return r.unlink(p.rel());
        } catch (Throwable t) {
            return Errs.fail("unlink", path, t);
        }
    }

    @Override
    public int rmdir(String path) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot() || p.isFolderItself()) return removeAtRoot(p);
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.delete(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            rc = ModeCheck.parentOf(r, p.rel(), callerIsRoot());
            if (rc != 0) return rc;
            return r.rmdir(p.rel());
        } catch (Throwable t) {
            return Errs.fail("rmdir", path, t);
        }
    }

    @Override
    public int rename(String from, String to) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath pf = FusePath.parse(from);
            FusePath pt = FusePath.parse(to);
            if (pf.isRoot() || pt.isRoot()) return -Errs.EBUSY;
            if (pf.isFolderItself()) return renameFolder(pf, pt);
            if (pt.isFolderItself()) return createAtRoot(pt) == -Errs.EEXIST ? -Errs.EXDEV : -Errs.EACCES;
            if (!pf.folder().equals(pt.folder())) return -Errs.EXDEV;
            Grant g = grant(pf);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            boolean root = callerIsRoot();
            rc = ModeCheck.parentOf(r, pf.rel(), root);
            if (rc == 0) rc = ModeCheck.parentOf(r, pt.rel(), root);
            if (rc != 0) return rc;
            if (g.mayDelete()) return r.rename(pf.rel(), pt.rel(), 0);
            // Without delete permission a rename may not replace anything; NOREPLACE makes that race-free.
            rc = r.rename(pf.rel(), pt.rel(), RENAME_NOREPLACE);
            if (rc == -Errs.EEXIST) return Rules.delete(g);
            return rc;
        } catch (Throwable t) {
            return Errs.fail("rename", from + " -> " + to, t);
        }
    }

    /** `mv a b` at the view root: the folder rename rules; moving a folder into a folder is refused. */
    private int renameFolder(FusePath pf, FusePath pt) {
        Grant g = grant(pf);
        if (g == null) return -Errs.ENOENT;
        if (!pt.isFolderItself()) return -Errs.EPERM;
        int rc = Rules.renameFolder(g);
        if (rc != 0) return rc;
        if (pf.folder().equals(pt.folder())) return 0;
        rc = renamer.rename(pf.folder(), pt.folder());
        if (rc == 0) {
            view.refreshNow();
            viewChanged();
        }
        return rc;
    }

    @Override
    public int chmod(String path, long mode) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errs.EPERM;
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            // The setuid/setgid row of the table is EPERM for every level, view included.
            if ((mode & SET_ID_BITS) != 0) return -Errs.EPERM;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            return r.chmod(p.rel(), (int) (mode & 01777));
        } catch (Throwable t) {
            return Errs.fail("chmod", path, t);
        }
    }

    @Override
    public int chown(String path, long uid, long gid) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            Grant g = p.isRoot() ? null : grant(p);
            if (!p.isRoot()) {
                if (g == null) return -Errs.ENOENT;
                FolderRoot r = roots.of(g);
                if (r == null) return -Errs.EIO;
                int mode = r.mode(p.rel());
                if (mode < 0) return mode;
            }
            // Everything already appears owned by the session, so "chown to myself" changes nothing.
            boolean sameUid = (int) uid == -1 || uid == caller.uid();
            boolean sameGid = (int) gid == -1 || gid == caller.gid();
            return sameUid && sameGid ? 0 : -Errs.EPERM;
        } catch (Throwable t) {
            return Errs.fail("chown", path, t);
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errs.EACCES;
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            long[] times = timespec == null ? null : new long[] {
                    timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue(),
                    timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue()};
            return r.utimens(p.rel(), times);
        } catch (Throwable t) {
            return Errs.fail("utimens", path, t);
        }
    }

    /** Only the user.* namespace may be written; the others carry security meaning. */
    private static int xattrNamespace(String name) {
        if (name.startsWith("user.")) return 0;
        if (name.startsWith("system.")) return -Errs.EOPNOTSUPP;
        return -Errs.EPERM;
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errs.EACCES;
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            rc = xattrNamespace(name);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            return r.setxattr(p.rel(), name, value, size, flags);
        } catch (Throwable t) {
            return Errs.fail("setxattr", path, t);
        }
    }

    @Override
    public int removexattr(String path, String name) {
        try {
            int d = denied();
            if (d != 0) return d;
            FusePath p = FusePath.parse(path);
            if (p.isRoot()) return -Errs.EACCES;
            Grant g = grant(p);
            if (g == null) return -Errs.ENOENT;
            int rc = Rules.write(g);
            if (rc != 0) return rc;
            rc = xattrNamespace(name);
            if (rc != 0) return rc;
            FolderRoot r = roots.of(g);
            if (r == null) return -Errs.EIO;
            return r.removexattr(p.rel(), name);
        } catch (Throwable t) {
            return Errs.fail("removexattr", path, t);
        }
    }
}
