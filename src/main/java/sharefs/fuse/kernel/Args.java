package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * A cursor over one request's arguments (after the header, before any extensions): fixed-size
 * fields, NUL-terminated names, and the data that ends a WRITE or SETXATTR. Every read is
 * bounds-checked and a violation is {@link Malformed}, never an exception of the buffer.
 */
final class Args {
    /** The kernel's own bound on a name it sends (FUSE_NAME_MAX). */
    static final int NAME_MAX = 1024;
    /** An xattr name (XATTR_NAME_MAX) or a symlink target (PATH_MAX) is shorter. */
    static final int STRING_MAX = 4096;

    private final ByteBuffer b;
    private final long unique;
    private final int end;
    private int at;

    Args(ByteBuffer b, long unique, int start, int end) {
        this.b = b;
        this.unique = unique;
        this.at = start;
        this.end = end;
    }

    int u32() throws Malformed {
        need(4);
        int v = b.getInt(at);
        at += 4;
        return v;
    }

    long u64() throws Malformed {
        need(8);
        long v = b.getLong(at);
        at += 8;
        return v;
    }

    void skip(int n) throws Malformed {
        need(n);
        at += n;
    }

    /** A directory entry name: 1 to NAME_MAX bytes, NUL-terminated, no '/'. Any other bytes pass as they are. */
    byte[] name() throws Malformed {
        byte[] n = string(NAME_MAX);
        for (byte c : n) {
            if (c == '/') throw bad("a name with '/'");
        }
        return n;
    }

    /** NUL-terminated bytes, 1 to max of them (an xattr name, a symlink target). */
    byte[] string(int max) throws Malformed {
        int nul = -1;
        int stop = Math.min(end, at + max + 1);
        for (int i = at; i < stop; i++) {
            if (b.get(i) == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) throw bad(stop < end ? "a string longer than " + max + " bytes" : "a string without its NUL");
        byte[] out = new byte[nul - at];
        b.get(at, out);
        at = nul + 1;
        if (out.length == 0) throw bad("an empty string");
        return out;
    }

    /** Exactly n more bytes, as a read-only view valid until the reply is written. */
    ByteBuffer data(int n) throws Malformed {
        if (n < 0 || n != end - at) throw bad("data of " + (end - at) + " bytes where " + Integer.toUnsignedString(n) + " were announced");
        ByteBuffer v = b.slice(at, n).asReadOnlyBuffer();
        at += n;
        return v;
    }

    int remaining() {
        return end - at;
    }

    private void need(int n) throws Malformed {
        if (end - at < n) throw bad("arguments shorter than their struct");
    }

    private Malformed bad(String why) {
        return new Malformed(unique, -Errors.EINVAL, why);
    }
}
