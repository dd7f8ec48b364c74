package sharefs.fuse.kernel;

/**
 * FUSE request opcodes (include/uapi/linux/fuse.h, protocol 7.45) with, for each one the engine
 * decodes, the size of its fixed argument struct: a request shorter than that is malformed.
 * Sizes are those of protocol 7.31 and later (the oldest the engine speaks).
 */
final class Opcode {
    static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, SETATTR = 4, READLINK = 5, SYMLINK = 6,
            MKNOD = 8, MKDIR = 9, UNLINK = 10, RMDIR = 11, RENAME = 12, LINK = 13, OPEN = 14, READ = 15,
            WRITE = 16, STATFS = 17, RELEASE = 18, FSYNC = 20, SETXATTR = 21, GETXATTR = 22,
            LISTXATTR = 23, REMOVEXATTR = 24, FLUSH = 25, INIT = 26, OPENDIR = 27, READDIR = 28,
            RELEASEDIR = 29, FSYNCDIR = 30, GETLK = 31, SETLK = 32, SETLKW = 33, ACCESS = 34,
            CREATE = 35, INTERRUPT = 36, BMAP = 37, DESTROY = 38, IOCTL = 39, POLL = 40,
            NOTIFY_REPLY = 41, BATCH_FORGET = 42, FALLOCATE = 43, READDIRPLUS = 44, RENAME2 = 45,
            LSEEK = 46, COPY_FILE_RANGE = 47, SETUPMAPPING = 48, REMOVEMAPPING = 49, SYNCFS = 50,
            TMPFILE = 51, STATX = 52;

    private static final String[] NAMES = new String[53];
    /** Fixed argument bytes before any names or data; -1 for opcodes the engine does not decode. */
    private static final int[] FIXED = new int[53];

    static {
        java.util.Arrays.fill(FIXED, -1);
        def(LOOKUP, "LOOKUP", 0);
        def(FORGET, "FORGET", 8);
        def(GETATTR, "GETATTR", 16);
        def(SETATTR, "SETATTR", 88);
        def(READLINK, "READLINK", 0);
        def(SYMLINK, "SYMLINK", 0);
        def(MKNOD, "MKNOD", 16);
        def(MKDIR, "MKDIR", 8);
        def(UNLINK, "UNLINK", 0);
        def(RMDIR, "RMDIR", 0);
        def(RENAME, "RENAME", 8);
        def(LINK, "LINK", 8);
        def(OPEN, "OPEN", 8);
        def(READ, "READ", 40);
        def(WRITE, "WRITE", 40);
        def(STATFS, "STATFS", 0);
        def(RELEASE, "RELEASE", 24);
        def(FSYNC, "FSYNC", 16);
        def(SETXATTR, "SETXATTR", 8);
        def(GETXATTR, "GETXATTR", 8);
        def(LISTXATTR, "LISTXATTR", 8);
        def(REMOVEXATTR, "REMOVEXATTR", 0);
        def(FLUSH, "FLUSH", 24);
        def(INIT, "INIT", 16);
        def(OPENDIR, "OPENDIR", 8);
        def(READDIR, "READDIR", 40);
        def(RELEASEDIR, "RELEASEDIR", 24);
        def(FSYNCDIR, "FSYNCDIR", 16);
        def(GETLK, "GETLK", -1);
        def(SETLK, "SETLK", -1);
        def(SETLKW, "SETLKW", -1);
        def(ACCESS, "ACCESS", 8);
        def(CREATE, "CREATE", 16);
        def(INTERRUPT, "INTERRUPT", 8);
        def(BMAP, "BMAP", -1);
        def(DESTROY, "DESTROY", 0);
        def(IOCTL, "IOCTL", -1);
        def(POLL, "POLL", -1);
        def(NOTIFY_REPLY, "NOTIFY_REPLY", 0);
        def(BATCH_FORGET, "BATCH_FORGET", 8);
        def(FALLOCATE, "FALLOCATE", 32);
        def(READDIRPLUS, "READDIRPLUS", 40);
        def(RENAME2, "RENAME2", 16);
        def(LSEEK, "LSEEK", 24);
        def(COPY_FILE_RANGE, "COPY_FILE_RANGE", -1);
        def(SETUPMAPPING, "SETUPMAPPING", -1);
        def(REMOVEMAPPING, "REMOVEMAPPING", -1);
        def(SYNCFS, "SYNCFS", -1);
        def(TMPFILE, "TMPFILE", -1);
        def(STATX, "STATX", -1);
    }

    private Opcode() {
    }

    private static void def(int op, String name, int fixed) {
        NAMES[op] = name;
        FIXED[op] = fixed;
    }

    static String name(int op) {
        return op > 0 && op < NAMES.length && NAMES[op] != null ? NAMES[op] : "OPCODE_" + op;
    }

    /** The fixed argument size, or -1 when the engine answers this opcode ENOSYS without decoding it. */
    static int fixedArgs(int op) {
        return op > 0 && op < FIXED.length ? FIXED[op] : -1;
    }

    /** Requests the kernel expects no answer to (an INTERRUPT may still get EAGAIN, see Interrupts). */
    static boolean noReply(int op) {
        return op == FORGET || op == BATCH_FORGET || op == INTERRUPT || op == NOTIFY_REPLY;
    }
}
