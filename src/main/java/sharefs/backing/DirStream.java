package sharefs.backing;

import static sharefs.backing.Flags.SEEK_SET;

/**
 * One open backing directory, listed a batch at a time from whatever position the caller names.
 * Each entry comes with the directory's cookie for the entry after it, so a caller can stop at
 * any entry and later resume exactly there. getdents64 usually reads past where the caller
 * stops: those entries stay in the buffer and are handed out first when the caller resumes at
 * the position it stopped at; any other position is a seek, which drops them.
 *
 * <p>Every entry is passed on, "." and ".." included, except one whose name is not UTF-8: a
 * String cannot name it without naming another entry too, so it goes to the notUtf8 handler as
 * its bytes and is skipped. Safe to use from several threads (calls are serialized); after
 * {@link #close} reads answer -EBADF.
 */
public final class DirStream implements AutoCloseable {
    /** Gets one entry; returns false when it has no room for it, and then the entry is not taken. */
    public interface Sink {
        boolean accept(String name, int dType, long ino, long nextOffset);
    }

    /** Like {@link Sink}, for a caller that takes names as their bytes (every entry is passed on). */
    public interface RawSink {
        boolean accept(byte[] name, int dType, long ino, long nextOffset);
    }

    /** What becomes of one entry: taken, no room for it, or left out. */
    private enum Took { TAKEN, FULL, SKIPPED }

    private interface EntrySink {
        Took accept(int at, int nameEnd, long after);
    }

    /**
     * One page, per stream rather than per thread: the entries read past the one a caller stopped
     * at must wait here for its next call, or each call would end in a seek back and a re-read.
     * The kernel asks FUSE for one page of entries per READDIR, and getdents64 records are about
     * the size of FUSE's, so one batch about answers one request; with the cap on open
     * directories per mount (1024 by default) the buffers stay within a few MiB per mount.
     */
    static final int BUF_SIZE = 4096;

    private final LibC lib = Native.libc();
    private final int fd;
    private final java.util.function.Consumer<byte[]> notUtf8;
    private final byte[] buf = new byte[BUF_SIZE];
    /** Entries read but not yet taken: buf[next, end). */
    private int next;
    private int end;
    /**
     * Where the entry at buf[next] (or, with the buffer empty, the fd) stands, as a caller names it:
     * the cookie of the last entry handed out, skipped entries since then left aside. Valid when positioned.
     */
    private long position;
    private boolean positioned = true;
    private boolean closed;

    /** Takes over fd, a directory opened for reading (see {@link FolderRoot#openDir}). */
    public DirStream(int fd) {
        this(fd, name -> { });
    }

    /** notUtf8: told the bytes of each name that is skipped for not being UTF-8, as it is met. */
    public DirStream(int fd, java.util.function.Consumer<byte[]> notUtf8) {
        this.fd = fd;
        this.notUtf8 = notUtf8;
    }

    /**
     * Hands the entries from offset on (0: the start; otherwise a nextOffset given earlier) to sink
     * until it has no room or the directory ends. 0, or -errno.
     */
    public int read(long offset, Sink sink) {
        return entries(offset, (at, nameEnd, after) -> {
            String name = Dirent64.name(buf, at, nameEnd);
            if (name == null) {
                notUtf8.accept(Dirent64.rawName(buf, at, nameEnd));
                return Took.SKIPPED;
            }
            return sink.accept(name, Dirent64.type(buf, at), Dirent64.ino(buf, at), after) ? Took.TAKEN : Took.FULL;
        });
    }

    /** Like {@link #read}, with every name as its bytes, UTF-8 or not. */
    public int readRaw(long offset, RawSink sink) {
        return entries(offset, (at, nameEnd, after) -> sink.accept(Dirent64.rawName(buf, at, nameEnd),
                Dirent64.type(buf, at), Dirent64.ino(buf, at), after) ? Took.TAKEN : Took.FULL);
    }

    private synchronized int entries(long offset, EntrySink sink) {
        if (closed) return -Errno.EBADF;
        if (!positioned || offset != position) {
            int rc = seek(offset);
            if (rc < 0) return rc;
        }
        for (;;) {
            if (next == end) {
                long n = lib.getdents64(fd, buf, buf.length);
                if (n < 0) return lost(-Native.errno());
                if (n == 0) return 0;
                next = 0;
                end = (int) n;
            }
            if (!Dirent64.wellFormed(buf, next, end)) return lost(-Errno.EIO);   // never from a sane kernel
            int nameEnd = Dirent64.nameEnd(buf, next);
            long after = Dirent64.nextOffset(buf, next);
            // 0 would mean "the start" to whoever resumes from it; no kernel hands it out after an entry.
            if (after == 0) return lost(-Errno.EIO);
            Took took = sink.accept(next, nameEnd, after);
            if (took == Took.FULL) return 0;
            // A skipped entry leaves position at the cookie of the entry handed out before: a caller
            // resumes there, and goes on from the buffer past this entry instead of seeking back to it.
            if (took == Took.TAKEN) position = after;
            next += Dirent64.reclen(buf, next);
        }
    }

    private int seek(long offset) {
        next = end = 0;
        if (lib.lseek(fd, offset, SEEK_SET) < 0) return lost(-Native.errno());
        position = offset;
        positioned = true;
        return 0;
    }

    /** After a failure the fd's position is not known: the next read seeks, whatever offset it names. */
    private int lost(int errno) {
        next = end = 0;
        positioned = false;
        return errno;
    }

    /** Closes the directory fd; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        lib.close(fd);
    }
}
