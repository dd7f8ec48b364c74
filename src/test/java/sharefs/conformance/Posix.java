package sharefs.conformance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Real syscalls with errno for the parity suite, and the two things a case produces: a transcript
 * ("op args -> result" lines, where a failure is the errno's name) and a snapshot of the tree it
 * left behind (types, sizes, link counts, modes, symlink targets, SHA-256 of file bytes).
 *
 * <p>Paths given to {@link Ops} are relative to its base directory and appear in the transcript
 * only in that relative form, so a native run and a mounted run print the same lines.
 */
final class Posix {
    private Posix() {
    }

    /** Test-only libc binding. Paths are NUL-terminated UTF-8 byte arrays (see {@link #c}). */
    public interface Libc {
        int open(@In byte[] path, int flags, int mode);
        int openat(int dirfd, @In byte[] path, int flags, int mode);
        int close(int fd);
        long read(int fd, @Out byte[] buf, long n);
        long write(int fd, @In byte[] buf, long n);
        long pread(int fd, @Out byte[] buf, long n, long off);
        long pwrite(int fd, @In byte[] buf, long n, long off);
        long lseek(int fd, long off, int whence);
        int ftruncate(int fd, long len);
        int truncate(@In byte[] path, long len);
        int rename(@In byte[] from, @In byte[] to);
        int link(@In byte[] from, @In byte[] to);
        int symlink(@In byte[] target, @In byte[] linkPath);
        long readlink(@In byte[] path, @Out byte[] buf, long size);
        int unlink(@In byte[] path);
        int rmdir(@In byte[] path);
        int mkdir(@In byte[] path, int mode);
        int mknodat(int dirfd, @In byte[] path, int mode, long dev);
        int fstatat(int dirfd, @In byte[] path, @Out byte[] statbuf, int flags);
        int fstat(int fd, @Out byte[] statbuf);
        int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);
        int fsync(int fd);
        int fdatasync(int fd);
        int flock(int fd, int op);
        int fcntl(int fd, int cmd, @In @Out byte[] flock);
        Pointer opendir(@In byte[] path);
        Pointer readdir(Pointer dir);
        long telldir(Pointer dir);
        void seekdir(Pointer dir, long pos);
        void rewinddir(Pointer dir);
        int closedir(Pointer dir);
        int statfs(@In byte[] path, @Out byte[] buf);
        int chmod(@In byte[] path, int mode);
        int chown(@In byte[] path, int uid, int gid);
    }

    static final Libc L = LibraryLoader.create(Libc.class).load("c");
    static final Runtime RT = Runtime.getRuntime(L);
    static final boolean X86 = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;

    static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
            O_TRUNC = 01000, O_APPEND = 02000;
    static final int O_DIRECTORY = X86 ? 0200000 : 040000;
    static final int O_NOFOLLOW = X86 ? 0400000 : 0100000;
    static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    static final int F_GETLK = 5, F_SETLK = 6, F_OFD_GETLK = 36, F_OFD_SETLK = 37;
    static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    static final int S_IFMT = 0170000, S_IFDIR = 040000, S_IFREG = 0100000, S_IFLNK = 0120000,
            S_IFIFO = 010000, S_IFCHR = 020000;

    static byte[] c(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[u.length + 1];
        System.arraycopy(u, 0, out, 0, u.length);
        return out;
    }

    static int errno() {
        return RT.getLastError();
    }

    static String errName(int e) {
        jnr.constants.platform.Errno x = jnr.constants.platform.Errno.valueOf(e);
        return x == null || !x.defined() ? "errno" + e : x.name();
    }

    /** The fields of a struct stat the suite looks at (x86_64 or asm-generic layout). */
    record Stat(int mode, long nlink, int uid, int gid, long size, long blocks, long atimeSec, long atimeNsec,
            long mtimeSec, long mtimeNsec) {
        static Stat of(byte[] b) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return new Stat(bb.getInt(X86 ? 24 : 16), X86 ? bb.getLong(16) : bb.getInt(20) & 0xffffffffL,
                    bb.getInt(X86 ? 28 : 24), bb.getInt(X86 ? 32 : 28), bb.getLong(48), bb.getLong(64),
                    bb.getLong(72), bb.getLong(80), bb.getLong(88), bb.getLong(96));
        }

        int type() {
            return mode & S_IFMT;
        }

        String typeName() {
            return switch (type()) {
                case S_IFDIR -> "dir";
                case S_IFREG -> "reg";
                case S_IFLNK -> "lnk";
                case S_IFIFO -> "fifo";
                case S_IFCHR -> "chr";
                default -> "type" + Integer.toOctalString(type());
            };
        }
    }

    /** struct statfs (64-bit Linux): the fields the suite compares. */
    record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files, long namelen,
            long frsize) {
        static StatFs of(byte[] b) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return new StatFs(bb.getLong(0), bb.getLong(8), bb.getLong(16), bb.getLong(24), bb.getLong(32),
                    bb.getLong(40), bb.getLong(64), bb.getLong(72));
        }
    }

    /** Runs syscalls on paths beneath one base directory and writes the transcript. */
    static final class Ops {
        final Path base;
        final boolean mounted;
        final List<String> t = new ArrayList<>();

        Ops(Path base, boolean mounted) {
            this.base = base;
            this.mounted = mounted;
        }

        byte[] p(String rel) {
            return c(rel.isEmpty() ? base.toString() : base.resolve(rel).toString());
        }

        static String label(String rel) {
            int n = rel.getBytes(StandardCharsets.UTF_8).length;
            return n > 48 ? rel.substring(0, 8) + "…[" + n + " bytes]" : rel;
        }

        void note(String line) {
            t.add(line);
        }

        /** Records op -> rc (or op -> ERRNO) and returns rc; the errno is read before anything else runs. */
        long rec(String op, long rc) {
            int e = errno();
            t.add(op + " -> " + (rc < 0 ? errName(e) : Long.toString(rc)));
            return rc;
        }

        /** Like rec, but a success prints "ok": descriptor numbers are not comparable. */
        int recFd(String op, int fd) {
            int e = errno();
            t.add(op + " -> " + (fd < 0 ? errName(e) : "ok"));
            return fd;
        }

        static String flags(int f) {
            List<String> s = new ArrayList<>();
            s.add((f & 3) == O_RDONLY ? "O_RDONLY" : (f & 3) == O_WRONLY ? "O_WRONLY" : "O_RDWR");
            if ((f & O_CREAT) != 0) s.add("O_CREAT");
            if ((f & O_EXCL) != 0) s.add("O_EXCL");
            if ((f & O_TRUNC) != 0) s.add("O_TRUNC");
            if ((f & O_APPEND) != 0) s.add("O_APPEND");
            if ((f & O_DIRECTORY) != 0) s.add("O_DIRECTORY");
            if ((f & O_NOFOLLOW) != 0) s.add("O_NOFOLLOW");
            return String.join("|", s);
        }

        int open(String rel, int flags, int mode) {
            return recFd("open(" + label(rel) + ", " + flags(flags) + (mode != 0 ? ", 0" + Integer.toOctalString(mode) : "")
                    + ")", L.open(p(rel), flags, mode));
        }

        int open(String rel, int flags) {
            return open(rel, flags, (flags & O_CREAT) != 0 ? 0644 : 0);
        }

        int openat(int dirfd, String dirLabel, String name, int flags, int mode) {
            return recFd("openat(" + dirLabel + ", " + label(name) + ", " + flags(flags) + ")",
                    L.openat(dirfd, c(name), flags, mode));
        }

        /** Creates a file holding data and closes it. */
        void put(String rel, String data) {
            int fd = open(rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                write(fd, data);
                close(fd);
            }
        }

        long close(int fd) {
            return rec("close", L.close(fd));
        }

        long write(int fd, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return rec("write(\"" + s + "\")", L.write(fd, b, b.length));
        }

        long pwrite(int fd, String s, long off) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return rec("pwrite(\"" + s + "\", " + off + ")", L.pwrite(fd, b, b.length, off));
        }

        long pwrite(int fd, byte[] b, long off, String what) {
            return rec("pwrite(" + what + ", " + off + ")", L.pwrite(fd, b, b.length, off));
        }

        /** read(2) of up to n bytes; the transcript shows the count and the bytes read. */
        String read(int fd, int n) {
            byte[] b = new byte[n];
            long r = L.read(fd, b, n);
            int e = errno();
            String got = r < 0 ? null : show(b, (int) r);
            t.add("read(" + n + ") -> " + (r < 0 ? errName(e) : r + " " + got));
            return got;
        }

        String pread(int fd, int n, long off) {
            byte[] b = new byte[n];
            long r = L.pread(fd, b, n, off);
            int e = errno();
            String got = r < 0 ? null : show(b, (int) r);
            t.add("pread(" + n + ", " + off + ") -> " + (r < 0 ? errName(e) : r + " " + got));
            return got;
        }

        /** Short text as is; anything long or binary as its length, zero-count and hash. */
        static String show(byte[] b, int n) {
            boolean text = n <= 64;
            for (int i = 0; i < n && text; i++) text = b[i] >= 0x20 && b[i] < 0x7f;
            if (text) return "\"" + new String(b, 0, n, StandardCharsets.US_ASCII) + "\"";
            int zeros = 0;
            for (int i = 0; i < n; i++) if (b[i] == 0) zeros++;
            return "[" + n + " bytes, " + zeros + " zero, sha " + sha(b, n).substring(0, 16) + "]";
        }

        long lseek(int fd, long off, int whence) {
            String w = whence == SEEK_SET ? "SEEK_SET" : whence == SEEK_CUR ? "SEEK_CUR" : whence == SEEK_END ? "SEEK_END" : "" + whence;
            return rec("lseek(" + off + ", " + w + ")", L.lseek(fd, off, whence));
        }

        long ftruncate(int fd, long len) {
            return rec("ftruncate(" + len + ")", L.ftruncate(fd, len));
        }

        long truncate(String rel, long len) {
            return rec("truncate(" + label(rel) + ", " + len + ")", L.truncate(p(rel), len));
        }

        long rename(String a, String b) {
            return rec("rename(" + label(a) + ", " + label(b) + ")", L.rename(p(a), p(b)));
        }

        long link(String a, String b) {
            return rec("link(" + label(a) + ", " + label(b) + ")", L.link(p(a), p(b)));
        }

        long symlink(String target, String rel) {
            return rec("symlink(" + target + ", " + label(rel) + ")", L.symlink(c(target), p(rel)));
        }

        String readlink(String rel) {
            byte[] b = new byte[4096];
            long r = L.readlink(p(rel), b, b.length);
            int e = errno();
            String got = r < 0 ? null : new String(b, 0, (int) r, StandardCharsets.UTF_8);
            t.add("readlink(" + label(rel) + ") -> " + (r < 0 ? errName(e) : "\"" + got + "\""));
            return got;
        }

        Stat lstat(String rel) {
            return stat(rel, false);
        }

        long unlink(String rel) {
            return rec("unlink(" + label(rel) + ")", L.unlink(p(rel)));
        }

        long rmdir(String rel) {
            return rec("rmdir(" + label(rel) + ")", L.rmdir(p(rel)));
        }

        long mkdir(String rel) {
            return rec("mkdir(" + label(rel) + ")", L.mkdir(p(rel), 0755));
        }

        long mknod(String rel, int mode, long dev) {
            return rec("mknod(" + label(rel) + ", 0" + Integer.toOctalString(mode) + ", " + dev + ")",
                    L.mknodat(AT_FDCWD, p(rel), mode, dev));
        }

        long chmod(String rel, int mode) {
            return rec("chmod(" + label(rel) + ", 0" + Integer.toOctalString(mode) + ")", L.chmod(p(rel), mode));
        }

        long chown(String rel, int uid, int gid) {
            return rec("chown(" + label(rel) + ", " + uid + ", " + gid + ")", L.chown(p(rel), uid, gid));
        }

        /** stat or lstat without a transcript line; null with the errno name in err[0] on failure. */
        Stat statQuiet(String rel, boolean follow, String[] err) {
            byte[] b = new byte[256];
            int r = L.fstatat(AT_FDCWD, p(rel), b, follow ? 0 : AT_SYMLINK_NOFOLLOW);
            int e = errno();
            if (r < 0) {
                if (err != null) err[0] = errName(e);
                return null;
            }
            return Stat.of(b);
        }

        /** stat/lstat recorded as type, size and link count. */
        Stat stat(String rel, boolean follow) {
            String[] err = new String[1];
            Stat s = statQuiet(rel, follow, err);
            t.add((follow ? "stat(" : "lstat(") + label(rel) + ") -> "
                    + (s == null ? err[0] : s.typeName() + " size=" + (s.type() == S_IFDIR ? "-" : s.size()) + " nlink=" + s.nlink()));
            return s;
        }

        Stat fstat(int fd) {
            return fstat(fd, null);
        }

        /** fstat; a label tells apart a line that has a documented difference. */
        Stat fstat(int fd, String label) {
            byte[] b = new byte[256];
            int r = L.fstat(fd, b);
            int e = errno();
            Stat s = r < 0 ? null : Stat.of(b);
            t.add("fstat" + (label == null ? "" : "(" + label + ")") + " -> " + (s == null ? errName(e) : s.typeName() + " size=" + s.size() + " nlink=" + s.nlink()));
            return s;
        }

        long utimens(String rel, long aSec, long aNsec, long mSec, long mNsec, int flags) {
            return rec("utimensat(" + label(rel) + ", " + ts(aSec, aNsec) + ", " + ts(mSec, mNsec)
                    + (flags != 0 ? ", AT_SYMLINK_NOFOLLOW" : "") + ")",
                    L.utimensat(AT_FDCWD, p(rel), new long[] {aSec, aNsec, mSec, mNsec}, flags));
        }

        private static String ts(long sec, long nsec) {
            return nsec == UTIME_NOW ? "UTIME_NOW" : nsec == UTIME_OMIT ? "UTIME_OMIT" : sec + "." + nsec;
        }

        long fsync(int fd) {
            return rec("fsync", L.fsync(fd));
        }

        long fdatasync(int fd) {
            return rec("fdatasync", L.fdatasync(fd));
        }

        long flock(int fd, String who, int op) {
            List<String> s = new ArrayList<>();
            if ((op & LOCK_SH) != 0) s.add("LOCK_SH");
            if ((op & LOCK_EX) != 0) s.add("LOCK_EX");
            if ((op & LOCK_UN) != 0) s.add("LOCK_UN");
            if ((op & LOCK_NB) != 0) s.add("LOCK_NB");
            return rec("flock(" + who + ", " + String.join("|", s) + ")", L.flock(fd, op));
        }

        /** fcntl with a struct flock (x86_64/asm-generic 64-bit layout: type, whence, start, len, pid). */
        long fcntlLock(int fd, String who, int cmd, short type, long start, long len) {
            byte[] fl = flock(type, start, len);
            String c = switch (cmd) {
                case F_SETLK -> "F_SETLK";
                case F_GETLK -> "F_GETLK";
                case F_OFD_SETLK -> "F_OFD_SETLK";
                case F_OFD_GETLK -> "F_OFD_GETLK";
                default -> "" + cmd;
            };
            String ty = type == F_RDLCK ? "F_RDLCK" : type == F_WRLCK ? "F_WRLCK" : "F_UNLCK";
            int r = L.fcntl(fd, cmd, fl);
            int e = errno();
            String res = r < 0 ? errName(e) : Integer.toString(r);
            if (r >= 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK)) {
                short got = (short) ((fl[0] & 0xff) | (fl[1] & 0xff) << 8);
                res += " l_type=" + (got == F_RDLCK ? "F_RDLCK" : got == F_WRLCK ? "F_WRLCK" : "F_UNLCK");
            }
            t.add("fcntl(" + who + ", " + c + ", " + ty + ", " + start + ", " + len + ") -> " + res);
            return r;
        }

        private static byte[] flock(short type, long start, long len) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.putShort(0, type).putShort(2, (short) SEEK_SET).putLong(8, start).putLong(16, len).putInt(24, 0);
            return bb.array();
        }

        StatFs statfs(String rel) {
            byte[] b = new byte[128];
            int r = L.statfs(p(rel), b);
            int e = errno();
            if (r < 0) {
                t.add("statfs(" + label(rel) + ") -> " + errName(e));
                return null;
            }
            t.add("statfs(" + label(rel) + ") -> 0");
            return StatFs.of(b);
        }
    }

    /** One entry that readdir returned. */
    record Dirent(String name, long off) {
    }

    /** A DIR* with readdir/telldir/seekdir; readdir returns null at the end. */
    static final class Dir implements AutoCloseable {
        final Pointer dir;

        Dir(Path p) {
            dir = L.opendir(c(p.toString()));
            if (dir == null) throw new IllegalStateException("opendir " + p + ": " + errName(errno()));
        }

        Dirent next() {
            LastError.setLastError(RT, 0);
            Pointer d = L.readdir(dir);
            if (d == null) {
                int e = errno();
                if (e != 0) throw new IllegalStateException("readdir: " + errName(e));
                return null;
            }
            long off = d.getLong(8);
            int len = (int) d.indexOf(19, (byte) 0);
            byte[] name = new byte[len];
            d.get(19, name, 0, len);
            return new Dirent(new String(name, StandardCharsets.UTF_8), off);
        }

        long tell() {
            return L.telldir(dir);
        }

        void seek(long pos) {
            L.seekdir(dir, pos);
        }

        void rewind() {
            L.rewinddir(dir);
        }

        @Override
        public void close() {
            L.closedir(dir);
        }
    }

    static String sha(byte[] b, int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The tree under root, one line per entry in name order: type, size (not for directories:
     * a directory's size is the backing filesystem's business), link count, permission bits,
     * symlink target, SHA-256 of a regular file's bytes read with read(2).
     */
    static List<String> snapshot(Path root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Path root, String rel, List<String> out) {
        Path dir = rel.isEmpty() ? root : root.resolve(rel);
        TreeSet<String> names = new TreeSet<>();
        try (Dir d = new Dir(dir)) {
            for (Dirent e = d.next(); e != null; e = d.next()) {
                if (!e.name().equals(".") && !e.name().equals("..")) names.add(e.name());
            }
        }
        for (String n : names) {
            String r = rel.isEmpty() ? n : rel + "/" + n;
            byte[] sb = new byte[256];
            if (L.fstatat(AT_FDCWD, c(root.resolve(r).toString()), sb, AT_SYMLINK_NOFOLLOW) < 0) {
                out.add(Ops.label(r) + " lstat " + errName(errno()));
                continue;
            }
            Stat s = Stat.of(sb);
            StringBuilder line = new StringBuilder(Ops.label(r)).append(' ').append(s.typeName())
                    .append(" nlink=").append(s.nlink()).append(" mode=0").append(Integer.toOctalString(s.mode() & 07777));
            if (s.type() == S_IFREG) {
                line.append(" size=").append(s.size()).append(" sha=").append(fileSha(root.resolve(r), s.size()).substring(0, 16));
            } else if (s.type() == S_IFLNK) {
                byte[] b = new byte[4096];
                long k = L.readlink(c(root.resolve(r).toString()), b, b.length);
                line.append(" -> ").append(k < 0 ? errName(errno()) : new String(b, 0, (int) k, StandardCharsets.UTF_8));
            }
            out.add(line.toString());
            if (s.type() == S_IFDIR) walk(root, r, out);
        }
    }

    private static String fileSha(Path p, long size) {
        if (size == 0) return sha(new byte[0], 0);
        int fd = L.open(c(p.toString()), O_RDONLY | O_NOFOLLOW, 0);
        if (fd < 0) return "open:" + errName(errno());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long n;
            while ((n = L.read(fd, buf, buf.length)) > 0) md.update(buf, 0, (int) n);
            if (n < 0) return "read:" + errName(errno());
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        } finally {
            L.close(fd);
        }
    }
}
