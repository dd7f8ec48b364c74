package sharefs.fs;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.BaseStruct;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.Timespec;
import sharefs.backing.Errno;
import sharefs.backing.Utf8;

/**
 * The libfuse 2 callbacks that take a path or a name, bound to the C strings themselves rather
 * than to jnr-fuse's String arguments. jnr-ffi decodes a callback's char* with a decoder that
 * replaces every byte that is not UTF-8 with U+FFFD, so "bad\xff" and "bad\xfe" would arrive as
 * one String and reach one backing file, and a name holding a real U+FFFD could not be told from
 * either. Here a path or name whose bytes are not UTF-8 is answered EILSEQ before the filesystem
 * sees it; any other reaches the very method jnr-fuse would have called, with the same arguments.
 * A symlink's target is not a name: it reaches the filesystem as its bytes.
 *
 * <p>Only callbacks jnr-fuse installed (the filesystem implements them) are replaced. Those that
 * work from a file handle alone (read, write, release, readdir, ...) keep jnr-fuse's binding:
 * their path only ever reaches a log line.
 */
final class NameCallbacks {
    // One interface per C signature; the size and mode annotations match jnr-fuse's, so the
    // native argument types are the ones libfuse passes.
    public interface PathPtr {
        @Delegate int call(Pointer path, Pointer p);
    }

    public interface PathPtrPtr {
        @Delegate int call(Pointer path, Pointer p, Pointer q);
    }

    public interface PathOnly {
        @Delegate int call(Pointer path);
    }

    public interface TwoPaths {
        @Delegate int call(Pointer from, Pointer to);
    }

    public interface PathMode {
        @Delegate int call(Pointer path, @mode_t long mode);
    }

    public interface PathModeDev {
        @Delegate int call(Pointer path, @mode_t long mode, @dev_t long rdev);
    }

    public interface PathModePtr {
        @Delegate int call(Pointer path, @mode_t long mode, Pointer fi);
    }

    public interface PathOwner {
        @Delegate int call(Pointer path, @uid_t long uid, @gid_t long gid);
    }

    public interface PathOffset {
        @Delegate int call(Pointer path, @off_t long size);
    }

    public interface PathOffsetPtr {
        @Delegate int call(Pointer path, @off_t long size, Pointer fi);
    }

    public interface PathInt {
        @Delegate int call(Pointer path, int mask);
    }

    public interface PathBuf {
        @Delegate int call(Pointer path, Pointer buf, @size_t long size);
    }

    public interface SetXattr {
        @Delegate int call(Pointer path, Pointer name, Pointer value, @size_t long size, int flags);
    }

    public interface GetXattr {
        @Delegate int call(Pointer path, Pointer name, Pointer value, @size_t long size);
    }

    /** Thrown for a path or name that is not UTF-8; an answer (EILSEQ), not a fault, so it has no stack. */
    private static final class NotUtf8 extends Exception {
        NotUtf8() {
            super("not UTF-8", null, false, false);
        }
    }

    private interface Call {
        int run() throws NotUtf8;
    }

    /** The callback objects: a native closure lives only as long as its Java object does. */
    private final List<Object> kept = new ArrayList<>();
    private final FuseOperations ops;

    private NameCallbacks(FuseOperations ops) {
        this.ops = ops;
    }

    /** Replaces, in ops, every callback of fs that takes a path or a name. */
    static NameCallbacks install(FuseOperations ops, ReadOnlyFs fs) {
        NameCallbacks c = new NameCallbacks(ops);
        c.put(ops.getattr, PathPtr.class, (path, st) -> answer("getattr", () -> fs.getattr(name(path), FileStat.of(st))));
        c.put(ops.fgetattr, PathPtrPtr.class,
                (path, st, fi) -> answer("fgetattr", () -> fs.fgetattr(name(path), FileStat.of(st), FuseFileInfo.of(fi))));
        c.put(ops.readlink, PathBuf.class, (path, buf, size) -> answer("readlink", () -> fs.readlink(name(path), buf, size)));
        c.put(ops.mknod, PathModeDev.class, (path, mode, dev) -> answer("mknod", () -> fs.mknod(name(path), mode, dev)));
        c.put(ops.mkdir, PathMode.class, (path, mode) -> answer("mkdir", () -> fs.mkdir(name(path), mode)));
        c.put(ops.unlink, PathOnly.class, path -> answer("unlink", () -> fs.unlink(name(path))));
        c.put(ops.rmdir, PathOnly.class, path -> answer("rmdir", () -> fs.rmdir(name(path))));
        if (fs instanceof SharefsFs w) {
            c.put(ops.symlink, TwoPaths.class,
                    (target, link) -> answer("symlink", () -> w.symlink(bytes(target), name(link))));
        }
        c.put(ops.rename, TwoPaths.class, (from, to) -> answer("rename", () -> fs.rename(name(from), name(to))));
        c.put(ops.link, TwoPaths.class, (from, to) -> answer("link", () -> fs.link(name(from), name(to))));
        c.put(ops.chmod, PathMode.class, (path, mode) -> answer("chmod", () -> fs.chmod(name(path), mode)));
        c.put(ops.chown, PathOwner.class, (path, uid, gid) -> answer("chown", () -> fs.chown(name(path), uid, gid)));
        c.put(ops.truncate, PathOffset.class, (path, size) -> answer("truncate", () -> fs.truncate(name(path), size)));
        c.put(ops.ftruncate, PathOffsetPtr.class,
                (path, size, fi) -> answer("ftruncate", () -> fs.ftruncate(name(path), size, FuseFileInfo.of(fi))));
        c.put(ops.open, PathPtr.class, (path, fi) -> answer("open", () -> fs.open(name(path), FuseFileInfo.of(fi))));
        c.put(ops.create, PathModePtr.class,
                (path, mode, fi) -> answer("create", () -> fs.create(name(path), mode, FuseFileInfo.of(fi))));
        c.put(ops.opendir, PathPtr.class, (path, fi) -> answer("opendir", () -> fs.opendir(name(path), FuseFileInfo.of(fi))));
        c.put(ops.access, PathInt.class, (path, mask) -> answer("access", () -> fs.access(name(path), mask)));
        c.put(ops.utimens, PathPtr.class, (path, ts) -> answer("utimens", () -> fs.utimens(name(path), times(ts))));
        c.put(ops.setxattr, SetXattr.class, (path, n, value, size, flags) ->
                answer("setxattr", () -> fs.setxattr(name(path), name(n), value, size, flags)));
        c.put(ops.getxattr, GetXattr.class, (path, n, value, size) ->
                answer("getxattr", () -> fs.getxattr(name(path), name(n), value, size)));
        c.put(ops.listxattr, PathBuf.class, (path, list, size) -> answer("listxattr", () -> fs.listxattr(name(path), list, size)));
        c.put(ops.removexattr, TwoPaths.class, (path, n) -> answer("removexattr", () -> fs.removexattr(name(path), name(n))));
        return c;
    }

    /** Sets slot to callback, unless jnr-fuse left it empty (the filesystem does not implement it). */
    private <T> void put(BaseStruct.Func<?> slot, Class<T> type, T callback) {
        Pointer table = Struct.getMemory(ops);
        if (table.getAddress(slot.offset()) == 0) return;
        Pointer fn = ops.getRuntime().getClosureManager().getClosurePointer(type, callback);
        kept.add(callback);
        table.putPointer(slot.offset(), fn);
    }

    private static int answer(String op, Call call) {
        try {
            return call.run();
        } catch (NotUtf8 e) {
            return -Errno.EILSEQ;
        } catch (Throwable t) {
            // Each filesystem method catches its own; this is the decoding, which must not throw into libfuse either.
            return Errs.fail(op, null, t);
        }
    }

    /** The C string at p as a String (NULL: null, a libfuse 2 "no path" for a file it only knows by handle). */
    static String name(Pointer p) throws NotUtf8 {
        if (p == null || p.address() == 0) return null;
        String s = Utf8.strict(bytes(p));
        if (s == null) throw new NotUtf8();
        return s;
    }

    private static byte[] bytes(Pointer p) {
        int n = p.indexOf(0, (byte) 0);
        byte[] b = new byte[n];
        p.get(0, b, 0, n);
        return b;
    }

    /** struct timespec[2], as jnr-fuse builds it; null stays null ("now", which SharefsFs understands). */
    private static Timespec[] times(Pointer ts) {
        if (ts == null || ts.address() == 0) return null;
        Timespec atime = Timespec.of(ts);
        return new Timespec[] {atime, Timespec.of(ts.slice(Struct.size(atime)))};
    }
}
