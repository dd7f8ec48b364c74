package sharefs.fs;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.backing.Errno;
import sharefs.backing.FolderRoot;

/**
 * Keeps room on the storage filesystem for the control plane. When the database and logs live
 * on the same filesystem as storage/, a session that filled it would leave the agent unable to
 * commit anything, a revoke included. So writes through the mounts stop (ENOSPC) while less than
 * the reserve is left, counted as an unprivileged user counts it (a filesystem's own root
 * reserve is never the sessions' either). Far from the line it looks at statvfs at most every
 * 100 ms and counts what it let through meanwhile; within four reserves of the line it looks on
 * every call.
 */
public final class SpaceGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpaceGuard.class);
    /** No reserve: storage is on a filesystem of its own, or the operator turned it off. */
    public static final SpaceGuard NONE = new SpaceGuard(null, 0);
    private static final long LOOK_EVERY_NANOS = 100_000_000L;
    // struct statvfs on LP64 Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, ... (unsigned longs).
    private static final int STATVFS_SIZE = 112, F_FRSIZE = 8, F_BAVAIL = 32;

    private final FolderRoot storage;
    private final long reserve;
    private final ThreadLocal<Pointer> buf;
    /** Free bytes at the last look, less what was let through since (a look puts it right again). */
    private final java.util.concurrent.atomic.AtomicLong available = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private volatile long lookedAt;
    private volatile boolean full;

    /** storage: an open root of storage/ (owned by this guard from now on); reserve in bytes. */
    public SpaceGuard(FolderRoot storage, long reserve) {
        this.storage = storage;
        this.reserve = reserve;
        this.buf = ThreadLocal.withInitial(() -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), STATVFS_SIZE, true));
    }

    /** Whether there is a reserve to keep (a passthrough write would never meet it). */
    public boolean defends() {
        return reserve > 0;
    }

    /** 0 when about n more bytes may be written, else -ENOSPC. */
    int allow(long n) {
        if (reserve <= 0) return 0;
        long now = System.nanoTime();
        long want = Math.max(0, n);
        long free = available.get();
        if (now - lookedAt > LOOK_EVERY_NANOS || free - want < 4 * reserve) free = look(now);
        boolean ok = free - want >= reserve;
        if (ok) available.addAndGet(-want);
        if (full == ok) {
            // Crossed the line one way or the other: say so once per crossing.
            full = !ok;
            if (full) log.warn("storage is down to its reserve ({} MiB kept for the database and logs): writes through mounts get ENOSPC",
                    reserve >> 20);
            else log.info("storage has room again: writes through mounts resume");
        }
        return ok ? 0 : -Errno.ENOSPC;
    }

    private long look(long now) {
        Pointer p = buf.get();
        int rc = storage.statfs(p);
        // A filesystem that cannot tell its free space is not where this guard can help: let writes meet it.
        long free = rc < 0 ? Long.MAX_VALUE : p.getLong(F_BAVAIL) * p.getLong(F_FRSIZE);
        available.set(free);
        lookedAt = now;
        return free;
    }

    @Override
    public void close() {
        if (storage != null) storage.close();
    }
}
