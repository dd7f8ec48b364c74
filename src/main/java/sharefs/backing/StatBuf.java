package sharefs.backing;

import jnr.ffi.Pointer;

/**
 * Field access on a native {@code struct stat} as filled by {@link FolderRoot#stat} or
 * {@link FileOps#fstat}. The x86_64 layout differs from asm-generic (aarch64) in the
 * mode/nlink/uid/gid slots only; size and timestamps sit at the same offsets.
 */
public final class StatBuf {
    /** Bytes to allocate for a struct stat on any supported CPU (x86_64 needs 144). */
    public static final int SIZE = 144;

    private static final boolean X86 = Native.X86_64;
    static final int DEV = 0, INO = 8, SIZE_OFF = 48, ATIME = 72, MTIME = 88, CTIME = 104;
    static final int MODE = X86 ? 24 : 16;
    static final int NLINK = X86 ? 16 : 20;
    static final int UID = X86 ? 28 : 24;
    static final int GID = X86 ? 32 : 28;

    private StatBuf() {}

    public static int mode(Pointer p) { return p.getInt(MODE); }
    public static long nlink(Pointer p) { return X86 ? p.getLong(NLINK) : p.getInt(NLINK) & 0xffffffffL; }
    public static int uid(Pointer p) { return p.getInt(UID); }
    public static int gid(Pointer p) { return p.getInt(GID); }
    public static long dev(Pointer p) { return p.getLong(DEV); }
    public static long ino(Pointer p) { return p.getLong(INO); }
    public static long size(Pointer p) { return p.getLong(SIZE_OFF); }
    public static long atimeSec(Pointer p) { return p.getLong(ATIME); }
    public static long mtimeSec(Pointer p) { return p.getLong(MTIME); }
    public static long mtimeNsec(Pointer p) { return p.getLong(MTIME + 8); }
    public static long ctimeSec(Pointer p) { return p.getLong(CTIME); }
    public static long ctimeNsec(Pointer p) { return p.getLong(CTIME + 8); }
    public static long atimeNsec(Pointer p) { return p.getLong(ATIME + 8); }
    public static long rdev(Pointer p) { return p.getLong(X86 ? 40 : 32); }
    public static int blksize(Pointer p) { return p.getInt(56); }
    public static long blocks(Pointer p) { return p.getLong(64); }

    /** st_mode from a struct stat held in a Java array (little-endian, as on both CPUs). */
    static int mode(byte[] b) {
        return (int) littleEndian(b, MODE, 4);
    }

    static long dev(byte[] b) {
        return littleEndian(b, DEV, 8);
    }

    static long ino(byte[] b) {
        return littleEndian(b, INO, 8);
    }

    /** st_nlink from a struct stat held in a Java array. */
    static long nlink(byte[] b) {
        return littleEndian(b, NLINK, X86 ? 8 : 4);
    }

    private static long littleEndian(byte[] b, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }

    /** A fresh native buffer big enough for a struct stat. */
    public static Pointer allocate() {
        return jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Native.libc()), SIZE);
    }
}
