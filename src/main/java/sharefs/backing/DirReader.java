package sharefs.backing;

import java.nio.charset.StandardCharsets;

/** Reads an open directory fd with getdents64 and hands each name to a consumer. */
final class DirReader {
    private static final int BUF_SIZE = 32 * 1024;
    // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]
    private static final int RECLEN = 16, TYPE = 18, NAME = 19;

    private DirReader() {}

    /** 0 when the directory was read to the end or the consumer stopped; -errno otherwise. */
    static int read(LibC lib, int fd, FolderRoot.DirConsumer consumer) {
        byte[] buf = new byte[BUF_SIZE];
        for (;;) {
            long n = lib.getdents64(fd, buf, buf.length);
            if (n < 0) return -Native.errno();
            if (n == 0) return 0;
            for (int off = 0; off < n; ) {
                int reclen = (buf[off + RECLEN] & 0xff) | (buf[off + RECLEN + 1] & 0xff) << 8;
                if (reclen < NAME + 1 || off + reclen > n) return -Errno.EIO;   // never from a sane kernel
                int type = buf[off + TYPE] & 0xff;
                int end = off + NAME;
                while (end < off + reclen && buf[end] != 0) end++;
                if (!isDotOrDotDot(buf, off + NAME, end)) {
                    // Names that are not valid UTF-8 come out with U+FFFD; the fs layer speaks String.
                    String name = new String(buf, off + NAME, end - off - NAME, StandardCharsets.UTF_8);
                    long ino = 0;
                    for (int i = 7; i >= 0; i--) ino = (ino << 8) | (buf[off + i] & 0xff);
                    if (!consumer.accept(name, type, ino)) return 0;
                }
                off += reclen;
            }
        }
    }

    private static boolean isDotOrDotDot(byte[] b, int from, int to) {
        int len = to - from;
        return (len == 1 && b[from] == '.') || (len == 2 && b[from] == '.' && b[from + 1] == '.');
    }
}
