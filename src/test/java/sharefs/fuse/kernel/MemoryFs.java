package sharefs.fuse.kernel;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small in-memory filesystem for the engine's tests: directories, regular files, symlinks;
 * create, write, truncate, mkdir, unlink, rmdir, rename. No link (ENOSYS, on purpose). One lock
 * for everything: tests, not speed. Counts the requests the tests ask about.
 */
class MemoryFs implements FuseHandler {
    static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000;
    static final long TIMEOUT = 1_000_000_000L;

    static final class Node {
        final long id;
        int mode;
        long parent;
        final TreeMap<Key, Long> children = new TreeMap<>();
        byte[] data = new byte[0];
        byte[] target;
        long lookups;
        boolean directIo;

        Node(long id, int mode, long parent) {
            this.id = id;
            this.mode = mode;
            this.parent = parent;
        }
    }

    /** A name as a map key: bytes compared as bytes. */
    record Key(byte[] b) implements Comparable<Key> {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(b, k.b);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(b);
        }

        @Override
        public int compareTo(Key o) {
            return Arrays.compareUnsigned(b, o.b);
        }
    }

    final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(2);
    final AtomicInteger readdirplusCalls = new AtomicInteger();
    final AtomicInteger largestRead = new AtomicInteger();
    volatile Negotiated negotiated;

    MemoryFs() {
        nodes.put(1L, new Node(1, S_IFDIR | 0755, 1));
    }

    @Override
    public void init(Negotiated n) {
        negotiated = n;
    }

    // --- building the tree from test code ---

    synchronized long mkdirs(String path) {
        long cur = 1;
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            Long next = nodes.get(cur).children.get(key(part.getBytes()));
            cur = next != null ? next : add(cur, part.getBytes(), S_IFDIR | 0755).id;
        }
        return cur;
    }

    synchronized Node file(String path, byte[] content) {
        int slash = path.lastIndexOf('/');
        long dir = slash < 0 ? 1 : mkdirs(path.substring(0, slash));
        Node n = add(dir, path.substring(slash + 1).getBytes(), S_IFREG | 0644);
        n.data = content;
        return n;
    }

    synchronized Node symlink(String name, String target) {
        Node n = add(1, name.getBytes(), S_IFLNK | 0777);
        n.target = target.getBytes();
        return n;
    }

    synchronized Node child(long dir, byte[] name) {
        Long id = nodes.get(dir).children.get(key(name));
        return id == null ? null : nodes.get(id);
    }

    private Node add(long dir, byte[] name, int mode) {
        Node n = new Node(nextId.getAndIncrement(), mode, dir);
        nodes.put(n.id, n);
        nodes.get(dir).children.put(key(name), n.id);
        return n;
    }

    private static Key key(byte[] name) {
        return new Key(name.clone());
    }

    private void fill(Node n, Attr a) {
        a.ino = n.id;
        a.mode = n.mode;
        a.nlink = (n.mode & S_IFDIR) == S_IFDIR ? 2 : 1;
        a.size = n.target != null ? n.target.length : n.data.length;
        a.blocks = (a.size + 511) / 512;
        a.blksize = 4096;
        a.mtime = a.ctime = a.atime = 1_700_000_000L;
    }

    private void entry(Node n, EntryOut out) {
        n.lookups++;
        out.nodeId = n.id;
        out.entryTimeoutNanos = TIMEOUT;
        out.attrTimeoutNanos = TIMEOUT;
        fill(n, out.attr);
    }

    private Node dir(long id) {
        Node d = nodes.get(id);
        return d != null && (d.mode & S_IFDIR) == S_IFDIR ? d : null;
    }

    // --- the handler ---

    @Override
    public synchronized int lookup(Request r, long parent, byte[] name, EntryOut out) {
        Node d = dir(parent);
        if (d == null) return -20;
        Node n = Arrays.equals(name, ".".getBytes()) ? d : Arrays.equals(name, "..".getBytes()) ? nodes.get(d.parent) : child(parent, name);
        if (n == null) return -2;
        entry(n, out);
        return 0;
    }

    @Override
    public synchronized void forget(long node, long nlookup) {
        Node n = nodes.get(node);
        if (n != null) n.lookups -= nlookup;
    }

    @Override
    public synchronized int getattr(Request r, long node, long fh, AttrOut out) {
        Node n = nodes.get(node);
        if (n == null) return -2;
        fill(n, out.attr);
        out.attrTimeoutNanos = TIMEOUT;
        return 0;
    }

    @Override
    public synchronized int setattr(Request r, long node, SetattrIn in, AttrOut out) {
        Node n = nodes.get(node);
        if (n == null) return -2;
        if (in.has(SetattrIn.FATTR_SIZE)) n.data = Arrays.copyOf(n.data, (int) in.size());
        if (in.has(SetattrIn.FATTR_MODE)) n.mode = (n.mode & ~07777) | (in.mode() & 07777);
        return getattr(r, node, -1, out);
    }

    @Override
    public synchronized int readlink(Request r, long node, BytesOut target) {
        Node n = nodes.get(node);
        if (n == null || n.target == null) return -22;
        target.set(n.target);
        return 0;
    }

    @Override
    public synchronized int mkdir(Request r, long parent, byte[] name, int mode, int umask, EntryOut out) {
        if (dir(parent) == null) return -20;
        if (child(parent, name) != null) return -17;
        entry(add(parent, name, S_IFDIR | (mode & ~umask & 07777)), out);
        return 0;
    }

    @Override
    public synchronized int create(Request r, long parent, byte[] name, int flags, int mode, int umask, EntryOut entry, OpenOut open) {
        if (dir(parent) == null) return -20;
        if (child(parent, name) != null) return -17;
        Node n = add(parent, name, S_IFREG | (mode & ~umask & 07777));
        entry(n, entry);
        open.fh = n.id;
        return 0;
    }

    @Override
    public synchronized int unlink(Request r, long parent, byte[] name) {
        Node n = child(parent, name);
        if (n == null) return -2;
        if ((n.mode & S_IFDIR) == S_IFDIR) return -21;
        nodes.get(parent).children.remove(key(name));
        return 0;
    }

    @Override
    public synchronized int rmdir(Request r, long parent, byte[] name) {
        Node n = child(parent, name);
        if (n == null) return -2;
        if ((n.mode & S_IFDIR) != S_IFDIR) return -20;
        if (!n.children.isEmpty()) return -39;
        nodes.get(parent).children.remove(key(name));
        return 0;
    }

    @Override
    public synchronized int rename(Request r, long parent, byte[] name, long newParent, byte[] newName, int flags) {
        if (flags != 0) return -22;
        Node n = child(parent, name);
        if (n == null) return -2;
        if (dir(newParent) == null) return -20;
        nodes.get(parent).children.remove(key(name));
        nodes.get(newParent).children.put(key(newName), n.id);
        n.parent = newParent;
        return 0;
    }

    @Override
    public synchronized int open(Request r, long node, int flags, OpenOut out) {
        Node n = nodes.get(node);
        if (n == null) return -2;
        out.fh = node;
        if (n.directIo) out.flags |= OpenOut.FOPEN_DIRECT_IO;
        if ((flags & 01000) != 0) n.data = new byte[0];
        return 0;
    }

    @Override
    public int read(Request r, long node, long fh, long offset, int size, ByteBuffer into) {
        largestRead.accumulateAndGet(size, Math::max);
        synchronized (this) {
            Node n = nodes.get(node);
            if (n == null) return -2;
            if (offset >= n.data.length) return 0;
            int len = (int) Math.min(size, n.data.length - offset);
            into.put(0, n.data, (int) offset, len);
            return len;
        }
    }

    @Override
    public synchronized int write(Request r, long node, long fh, long offset, ByteBuffer data, int writeFlags) {
        Node n = nodes.get(node);
        if (n == null) return -2;
        int len = data.remaining();
        if (offset + len > n.data.length) n.data = Arrays.copyOf(n.data, (int) (offset + len));
        data.get(0, n.data, (int) offset, len);
        return len;
    }

    @Override
    public int flush(Request r, long node, long fh, long lockOwner) {
        return 0;
    }

    @Override
    public int opendir(Request r, long node, int flags, OpenOut out) {
        return dir(node) == null ? -20 : 0;
    }

    @Override
    public synchronized int readdir(Request r, long node, long fh, long offset, DirBuffer out) {
        Node d = dir(node);
        if (d == null) return -20;
        Object[] names = d.children.keySet().toArray();
        for (long i = offset; i < names.length + 2; i++) {
            boolean ok;
            if (i < 2) {
                ok = out.add(i == 0 ? d.id : d.parent, i + 1, 4, i == 0 ? ".".getBytes() : "..".getBytes());
            } else {
                Key k = (Key) names[(int) i - 2];
                Node n = nodes.get(d.children.get(k));
                if (out.plus()) {
                    EntryOut e = new EntryOut();
                    fill(n, e.attr);
                    e.nodeId = n.id;
                    e.entryTimeoutNanos = e.attrTimeoutNanos = TIMEOUT;
                    ok = out.addPlus(e, i + 1, k.b());
                    if (ok) n.lookups++;
                } else {
                    ok = out.add(n.id, i + 1, (n.mode >>> 12) & 017, k.b());
                }
            }
            if (!ok) break;
        }
        return 0;
    }

    @Override
    public int readdirplus(Request r, long node, long fh, long offset, DirBuffer out) {
        readdirplusCalls.incrementAndGet();
        return readdir(r, node, fh, offset, out);
    }

    @Override
    public int statfs(Request r, long node, StatfsOut out) {
        out.bsize = 4096;
        out.frsize = 4096;
        out.namelen = 255;
        out.blocks = 1000;
        out.bfree = 500;
        out.bavail = 500;
        return 0;
    }
}
