package sharefs.fs;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.Errno;
import sharefs.fuse.kernel.Notifier;

/**
 * One kernel-engine mount as the other mounts of its agent see it ({@link MountCoherence}): what
 * it changes it tells the others, and what they change reaches its kernel through the notices
 * queued here.
 *
 * <p>Outbound: after a handler changed a name in a directory or a file's data or attributes, it
 * queues an INVAL_ENTRY or INVAL_INODE with every other mount holding that directory or file,
 * then waits until they are sent, so the caller's next call through another mount already finds
 * the cache gone. The wait has limits, because the kernel takes a directory's lock to invalidate
 * an entry and holds it while a request on that directory is in flight, whose handler may itself
 * be waiting here for the first mount (two users removing names in one directory at the same
 * moment would wait on each other for ever): a mount with a handler waiting is not waited for
 * (see {@link #await}), and no wait lasts longer than {@link #WAIT_NANOS}. A mount whose notices
 * miss that bound is marked lagging and not waited for again until its sender catches up, so one
 * stuck mount slows the others once, not at every call. A notice not waited for is still sent.
 *
 * <p>Inbound: notices are never sent on a request's thread but on this mount's {@link NoticeThread}.
 * Pending notices are deduplicated and bounded ({@link #MAX_PENDING} of each kind); past the
 * bound they are not dropped but widened: every entry of the mount is made stale at once
 * (INC_EPOCH, FUSE 7.44), or every node's attributes and data are invalidated.
 */
final class MountPeer implements NodeTable.Holdings, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MountPeer.class);
    static final int MAX_PENDING = 1024;
    static final long WAIT_NANOS = 100_000_000L;

    private record Entry(long parent, ByteBuffer name) {
    }

    /** Which mounts a change was queued with, and the sequence number each must send up to. */
    static final class Told {
        private MountPeer[] peers = new MountPeer[2];
        private long[] seqs = new long[2];
        private int count;

        private void add(MountPeer p, long seq) {
            for (int i = 0; i < count; i++) {
                if (peers[i] == p) {
                    seqs[i] = Math.max(seqs[i], seq);
                    return;
                }
            }
            if (count == peers.length) {
                peers = java.util.Arrays.copyOf(peers, count * 2);
                seqs = java.util.Arrays.copyOf(seqs, count * 2);
            }
            peers[count] = p;
            seqs[count++] = seq;
        }
    }

    private final MountCoherence agent;
    private final NodeTable nodes;
    private final String mountName;
    private final ExecutorService sender;
    private volatile Kernel notifier;
    private volatile int kernelMinor;
    /** Handlers of this mount waiting now for other mounts' notices to be sent. */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    /** Not waited for until its sender next finishes a round. */
    private volatile boolean lagging;

    // Guarded by this.
    private Set<Entry> entries = new LinkedHashSet<>();
    /** Node id to {from, to}: from -1 for attributes only, else the data range, to Long.MAX_VALUE for the end. */
    private Map<Long, long[]> inodes = new LinkedHashMap<>();
    private boolean entriesOverflowed, inodesOverflowed, scheduled, closed;
    private long queued, sent;

    /** sender: the mount's {@link NoticeThread}, which its owner shuts down. */
    MountPeer(MountCoherence agent, NodeTable nodes, String mountName, ExecutorService sender) {
        this.agent = agent;
        this.nodes = nodes;
        this.mountName = mountName;
        this.sender = sender;
    }

    /** The notices this class sends: {@link Notifier}'s, each answering 0 or -errno. */
    interface Kernel {
        int invalEntry(long parent, byte[] name);

        int invalInode(long node, long offset, long length);

        int incEpoch();
    }

    /** From the mount on: notices from the other mounts go to this kernel. */
    void attach(Notifier n, int kernelMinor) {
        attach(new Kernel() {
            @Override
            public int invalEntry(long parent, byte[] name) {
                return n.invalEntry(parent, name);
            }

            @Override
            public int invalInode(long node, long offset, long length) {
                return n.invalInode(node, offset, length);
            }

            @Override
            public int incEpoch() {
                return n.incEpoch();
            }
        }, kernelMinor);
    }

    void attach(Kernel k, int kernelMinor) {
        this.kernelMinor = kernelMinor;
        this.notifier = k;
    }

    @Override
    public void held(KernelNode n) {
        agent.held(this, n);
    }

    @Override
    public void dropped(KernelNode n) {
        agent.dropped(this, n);
    }

    // ---- outbound: this mount changed something. Called after the change succeeded, so they
    // never throw: a failure to tell is logged, and the caller's answer stays the change's. ----

    /** A name in directory dir came or went (create, mkdir, mknod, symlink, link, unlink, rmdir). */
    void nameChanged(KernelNode dir, byte[] name) {
        tell(() -> entry(null, dir, name));
    }

    /** name in from became newName in to. */
    void renamed(KernelNode from, byte[] name, KernelNode to, byte[] newName) {
        tell(() -> entry(entry(null, from, name), to, newName));
    }

    /** A link to n was made in dir under name: the name is new, and n's link count changed. */
    void linked(KernelNode dir, byte[] name, KernelNode n) {
        tell(() -> inode(entry(null, dir, name), n, -1, 0));
    }

    /** name was removed from dir; the object it named was (dev, ino), or ino -1 when unknown: its link count changed. */
    void unlinked(KernelNode dir, byte[] name, long dev, long ino) {
        tell(() -> {
            Told t = entry(null, dir, name);
            return ino < 0 ? t : inode(t, dev, ino, -1, 0);
        });
    }

    /** n's attributes changed (chmod, chown, times, xattrs). */
    void attrsChanged(KernelNode n) {
        tell(() -> inode(null, n, -1, 0));
    }

    /**
     * n's bytes from offset for length changed (length 0 or less: to the end), and so its size
     * and times. Told only to mounts with a handle open on it while no kernel keeps anything of a
     * closed file ({@link KernelReadFs#CLOSED_FILES_CACHED}): the others' next open starts afresh
     * anyway, and a write, the engine's busiest call, then costs no notice at all.
     */
    void dataChanged(KernelNode n, long offset, long length) {
        tell(() -> inode(null, n, Math.max(0, offset), length));
    }

    private void tell(java.util.function.Supplier<Told> queue) {
        try {
            await(queue.get());
        } catch (Throwable t) {
            log.warn("telling the other mounts what the mount {} changed failed", mountName, t);
        }
    }

    private Told inode(Told t, KernelNode n, long offset, long length) {
        return n == null ? t : inode(t, n.key.dev(), n.key.ino(), offset, length);
    }

    /** Whether no other mount of this agent holds any node now: then no change needs telling. */
    boolean alone() {
        return agent.members() <= 1;
    }

    private Told entry(Told t, KernelNode dir, byte[] name) {
        if (dir == null) return t;
        for (MountCoherence.Holder h : agent.holdersOf(dir.key.dev(), dir.key.ino())) {
            if (h.mount() == this) continue;
            long seq = h.mount().queueEntry(h.node().id, name);
            if (seq < 0) continue;
            if (t == null) t = new Told();
            t.add(h.mount(), seq);
        }
        return t;
    }

    private Told inode(Told t, long dev, long ino, long offset, long length) {
        for (MountCoherence.Holder h : agent.holdersOf(dev, ino)) {
            if (h.mount() == this) continue;
            if (offset >= 0 && !KernelReadFs.CLOSED_FILES_CACHED && !h.mount().nodes.isOpen(h.node())) continue;
            long seq = h.mount().queueInode(h.node().id, offset, length);
            if (seq < 0) continue;
            if (t == null) t = new Told();
            t.add(h.mount(), seq);
        }
        return t;
    }

    /**
     * Waits until the mounts told have sent their notices, except those with a handler waiting
     * too: its request may hold the very lock the notice needs, while it waits for this mount.
     * Each waiter counts itself before it looks at the others, so of any ring of mounts waiting
     * on one another the last to count sees the next one counted and does not wait: the ring is
     * broken (the bound breaks anything else). A notice not waited for still goes out, as soon
     * as that mount's own change is done.
     */
    private void await(Told t) {
        if (t == null) return;
        waiting.incrementAndGet();
        try {
            long deadline = System.nanoTime() + WAIT_NANOS;
            for (int i = 0; i < t.count; i++) {
                if (t.peers[i].waiting.get() == 0) t.peers[i].awaitSent(t.seqs[i], deadline);
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    // ---- inbound: another mount changed something this mount's kernel may hold ----

    /** Queues INVAL_ENTRY (parent, name) in this mount's ids; the sequence number to wait for, or -1 when nothing will be sent. */
    synchronized long queueEntry(long parent, byte[] name) {
        if (closed || notifier == null) return -1;
        if (!entriesOverflowed) {
            if (entries.size() >= MAX_PENDING) {
                entriesOverflowed = true;
                entries = new LinkedHashSet<>();
            } else {
                entries.add(new Entry(parent, ByteBuffer.wrap(name.clone())));
            }
        }
        return schedule();
    }

    /** Queues INVAL_INODE of node (offset -1: attributes only); as {@link #queueEntry}. */
    synchronized long queueInode(long node, long offset, long length) {
        if (closed || notifier == null) return -1;
        if (!inodesOverflowed) {
            long from = offset < 0 ? -1 : offset;
            long to = offset < 0 ? -1 : length <= 0 ? Long.MAX_VALUE : offset + length;
            long[] r = inodes.get(node);
            if (r != null) {
                if (from >= 0) {
                    r[0] = r[0] < 0 ? from : Math.min(r[0], from);
                    r[1] = Math.max(r[1], to);
                }
            } else if (inodes.size() >= MAX_PENDING) {
                inodesOverflowed = true;
                inodes = new LinkedHashMap<>();
            } else {
                inodes.put(node, new long[] {from, to});
            }
        }
        return schedule();
    }

    private long schedule() {
        long seq = ++queued;
        if (!scheduled) {
            scheduled = true;
            try {
                sender.execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                scheduled = false;
                return -1;
            }
        }
        return seq;
    }

    private synchronized void awaitSent(long seq, long deadline) {
        try {
            while (sent < seq && !closed && !lagging) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    lagging = true;
                    log.warn("notices to the mount {} are late (its kernel is busy with the directory or file); "
                            + "not waiting for them until they are sent", mountName);
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        Set<Entry> es;
        Map<Long, long[]> is;
        boolean allEntries, allInodes;
        long upTo;
        synchronized (this) {
            scheduled = false;
            es = entries;
            is = inodes;
            allEntries = entriesOverflowed;
            allInodes = inodesOverflowed;
            entries = new LinkedHashSet<>();
            inodes = new LinkedHashMap<>();
            entriesOverflowed = inodesOverflowed = false;
            upTo = queued;
        }
        try {
            Kernel n = notifier;
            if (n != null) send(n, es, is, allEntries, allInodes);
        } catch (Throwable t) {
            log.warn("sending notices to the mount {} failed", mountName, t);
        } finally {
            synchronized (this) {
                if (upTo > sent) sent = upTo;
                lagging = false;
                notifyAll();
            }
        }
    }

    private void send(Kernel n, Set<Entry> es, Map<Long, long[]> is, boolean allEntries, boolean allInodes) {
        if (allEntries) {
            if (kernelMinor >= Notifier.INC_EPOCH_MINOR) {
                report(n.incEpoch(), "every entry");
            } else {
                log.warn("more than {} names changed for the mount {} at once: entries inside folders may stay cached "
                        + "for their timeout (this kernel has no FUSE_NOTIFY_INC_EPOCH)", MAX_PENDING, mountName);
            }
        } else {
            for (Entry e : es) {
                byte[] name = new byte[e.name().remaining()];
                e.name().duplicate().get(name);
                report(n.invalEntry(e.parent(), name), "an entry");
            }
        }
        if (allInodes) {
            for (long id : nodes.allIds()) report(n.invalInode(id, 0, 0), "a node");
        } else {
            for (Map.Entry<Long, long[]> e : is.entrySet()) {
                long[] r = e.getValue();
                long length = r[0] < 0 || r[1] == Long.MAX_VALUE ? 0 : r[1] - r[0];
                report(n.invalInode(e.getKey(), r[0], length), "a node");
            }
        }
    }

    /** ENOENT: the kernel had nothing cached there; ENODEV: the mount is going. Both are success. */
    private void report(int rc, String what) {
        if (rc != 0 && rc != -Errno.ENOENT && rc != -Errno.ENODEV) {
            log.warn("invalidating {} of the mount {} failed: errno {}", what, mountName, -rc);
        }
    }

    /** Waits until every notice queued so far is sent (tests). */
    boolean drained(long timeoutMillis) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        sender.execute(done::countDown);
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            notifier = null;
            notifyAll();
        }
        agent.left();
    }
}
