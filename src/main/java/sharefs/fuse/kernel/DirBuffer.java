package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * The entries of one READDIR or READDIRPLUS answer, written straight into the reply: a handler
 * adds entries from the requested offset on until {@link #add} returns false (the answer is
 * full; that entry was not sent and comes first in the next request, at its offset). Each
 * entry's nextOffset is what the kernel asks for to continue after it.
 *
 * <p>In a READDIRPLUS answer ({@link #plus()}), {@link #addPlus} sends the entry's attributes
 * too and, when the entry's nodeId is not 0, counts as one lookup of that node, except for "."
 * and "..", which the kernel never links. {@link #add} there sends a plain entry (nodeId 0):
 * the kernel lists it and looks the name up itself when it needs it.
 */
public final class DirBuffer {
    private static final int DIRENT = 24;

    private final ByteBuffer b;
    private final int start;
    private final int limit;
    private final boolean plus;
    private int at;

    DirBuffer(ByteBuffer b, int start, int size, boolean plus) {
        this.b = b;
        this.start = start;
        this.limit = start + size;
        this.plus = plus;
        this.at = start;
    }

    /** Whether this answers READDIRPLUS. */
    public boolean plus() {
        return plus;
    }

    /** type: the file type bits of the mode shifted down (mode >>> 12, as DT_* in getdents). */
    public boolean add(long ino, long nextOffset, int type, byte[] name) {
        int rec = align(DIRENT + name.length);
        int extra = plus ? EntryOut.SIZE : 0;
        if (at + extra + rec > limit) return false;
        if (plus) {
            for (int i = 0; i < EntryOut.SIZE; i += 8) b.putLong(at + i, 0);
        }
        dirent(at + extra, ino, nextOffset, type, name, rec);
        at += extra + rec;
        return true;
    }

    /** A READDIRPLUS entry with its attributes; see the class comment for its lookup count. */
    public boolean addPlus(EntryOut entry, long nextOffset, byte[] name) {
        if (!plus) throw new IllegalStateException("addPlus in a READDIR answer");
        int rec = align(DIRENT + name.length);
        if (at + EntryOut.SIZE + rec > limit) return false;
        entry.encode(b, at);
        dirent(at + EntryOut.SIZE, entry.attr.ino, nextOffset, (entry.attr.mode >>> 12) & 017, name, rec);
        at += EntryOut.SIZE + rec;
        return true;
    }

    /** Whether an entry added with addPlus under this name counted as a lookup (nodeId != 0 too). */
    public static boolean countsAsLookup(byte[] name) {
        return !(name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.');
    }

    int length() {
        return at - start;
    }

    private void dirent(int p, long ino, long off, int type, byte[] name, int rec) {
        b.putLong(p, ino).putLong(p + 8, off).putInt(p + 16, name.length).putInt(p + 20, type);
        b.put(p + DIRENT, name);
        for (int i = p + DIRENT + name.length; i < p + rec; i++) b.put(i, (byte) 0);
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }
}
