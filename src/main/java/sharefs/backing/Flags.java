package sharefs.backing;

/**
 * Linux flag values for the calls in this package. A few open(2) flags differ between the x86
 * ABI and asm-generic (aarch64, riscv64), so they are chosen for the running CPU.
 */
public final class Flags {
    private static final boolean X86 = Native.X86_64;

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000,
            O_APPEND = 02000, O_NONBLOCK = 04000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int O_DIRECTORY = X86 ? 0200000 : 040000;
    public static final int O_NOFOLLOW = X86 ? 0400000 : 0100000;
    public static final int O_DIRECT = X86 ? 040000 : 0200000;

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

    public static final int SEEK_SET = 0;
    public static final int F_GETFL = 3, F_SETFL = 4;

    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;

    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;

    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000,
            S_IFREG = 0100000, S_IFBLK = 060000, S_IFDIR = 040000, S_IFCHR = 020000,
            S_IFIFO = 010000;

    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6,
            DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

    private Flags() {}
}
