package sharefs.backing;

/** Reads an open directory fd with getdents64 and hands each name to a consumer. */
final class DirReader {
    private static final int BUF_SIZE = 32 * 1024;

    private DirReader() {}

    /** 0 when the directory was read to the end or the consumer stopped; -errno otherwise. */
    static int read(LibC lib, int fd, FolderRoot.DirConsumer consumer) {
        byte[] buf = new byte[BUF_SIZE];
        for (;;) {
            long n = lib.getdents64(fd, buf, buf.length);
            if (n < 0) return -Native.errno();
            if (n == 0) return 0;
            for (int off = 0; off < n; ) {
                if (!Dirent64.wellFormed(buf, off, (int) n)) return -Errno.EIO;   // never from a sane kernel
                int end = Dirent64.nameEnd(buf, off);
                if (!Dirent64.isDotOrDotDot(buf, off, end)) {
                    String name = Dirent64.name(buf, off, end);
                    if (!consumer.accept(name, Dirent64.type(buf, off), Dirent64.ino(buf, off))) return 0;
                }
                off += Dirent64.reclen(buf, off);
            }
        }
    }
}
