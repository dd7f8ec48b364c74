package sharefs.backing;

/**
 * One record of what getdents64 writes: struct linux_dirent64 { u64 d_ino; s64 d_off;
 * u16 d_reclen; u8 d_type; char d_name[]; }, little-endian on every CPU we run on.
 */
final class Dirent64 {
    private static final int OFF = 8, RECLEN = 16, TYPE = 18, NAME = 19;
    /** The shortest record a sane kernel writes: the header and a one-byte name's NUL. */
    static final int MIN_RECLEN = NAME + 1;

    private Dirent64() {}

    static int reclen(byte[] b, int at) {
        return (b[at + RECLEN] & 0xff) | (b[at + RECLEN + 1] & 0xff) << 8;
    }

    /** Whether the record at at is whole within the first n bytes; false only for a broken kernel. */
    static boolean wellFormed(byte[] b, int at, int n) {
        int reclen = reclen(b, at);
        return reclen >= MIN_RECLEN && at + reclen <= n;
    }

    static long ino(byte[] b, int at) {
        return u64(b, at);
    }

    /** The directory's cookie for the record after this one: lseek to it to resume there. */
    static long nextOffset(byte[] b, int at) {
        return u64(b, at + OFF);
    }

    static int type(byte[] b, int at) {
        return b[at + TYPE] & 0xff;
    }

    /** Index of the name's NUL (or the record's end). */
    static int nameEnd(byte[] b, int at) {
        int end = at + NAME;
        int limit = at + reclen(b, at);
        while (end < limit && b[end] != 0) end++;
        return end;
    }

    /** The name, or null when its bytes are not UTF-8 (see {@link Utf8#strict}). */
    static String name(byte[] b, int at, int nameEnd) {
        return Utf8.strict(b, at + NAME, nameEnd - at - NAME);
    }

    static byte[] rawName(byte[] b, int at, int nameEnd) {
        return java.util.Arrays.copyOfRange(b, at + NAME, nameEnd);
    }

    private static long u64(byte[] b, int from) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[from + i] & 0xff);
        return v;
    }
}
