package sharefs.fuse.kernel;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of one session, sized by the load rather than fixed: each holds a buffer of
 * a whole request (1 MiB), so an idle mount should hold as few as it can. One worker to start
 * with; another whenever a worker takes a request while no other is waiting for the next one,
 * up to max; a worker that waits the idle timeout without a request leaves if another one is
 * waiting, else it hands its buffer's pages back (see {@link Worker}). Under a steady load the
 * count settles (one waiting, the others busy) instead of starting a thread per request.
 */
final class WorkerPool {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    /** Starts one more worker thread (its buffer, processor and thread), registered with this pool. */
    interface Spawner {
        Thread start(WorkerPool pool, int index);
    }

    private final int max;
    private final int idleMillis;
    private final Spawner spawner;
    private final Runnable onLastExit;
    /** Workers running (started and not yet left or ended). */
    private final AtomicInteger alive = new AtomicInteger();
    /** Workers waiting for a request now (in poll or read). */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    /** Waits that ended without a request (tests). */
    private final java.util.concurrent.atomic.AtomicLong idleWaits = new java.util.concurrent.atomic.AtomicLong();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    WorkerPool(int max, int idleMillis, Spawner spawner, Runnable onLastExit) {
        this.max = max;
        this.idleMillis = idleMillis;
        this.spawner = spawner;
        this.onLastExit = onLastExit;
    }

    /** The first worker; false if its thread could not be started. */
    boolean start() {
        alive.incrementAndGet();
        return spawn();
    }

    int idleMillis() {
        return idleMillis;
    }

    void waiting() {
        waiting.incrementAndGet();
    }

    /** This worker stops waiting; how many others still wait. */
    int notWaiting() {
        return waiting.decrementAndGet();
    }

    /** A worker took a request and none is left waiting for the next: one more, if below max. */
    void grow() {
        for (;;) {
            int n = alive.get();
            if (n >= max) return;
            if (alive.compareAndSet(n, n + 1)) break;
        }
        if (!spawn()) alive.decrementAndGet();
    }

    /**
     * Whether the calling worker (idle, no longer counted as waiting) may leave now: only while
     * another worker waits for the next request, so a slow request on a busy worker never leaves
     * the others without a reader. When true it has left.
     */
    boolean retire() {
        idleWaits.incrementAndGet();
        for (;;) {
            int n = alive.get();
            if (n <= 1 || waiting.get() < 1) return false;
            if (alive.compareAndSet(n, n - 1)) {
                threads.remove(Thread.currentThread());
                return true;
            }
        }
    }

    /** Whether the calling worker is the only one (so it may wait for ever once its buffer is clean). */
    boolean alone() {
        return alive.get() <= 1;
    }

    /** The calling worker stopped because the connection ended (or failed); the last one runs onLastExit. */
    void ended() {
        threads.remove(Thread.currentThread());
        if (alive.decrementAndGet() == 0) onLastExit.run();
    }

    /** Workers running now. */
    int alive() {
        return alive.get();
    }

    long idleWaits() {
        return idleWaits.get();
    }

    List<Thread> threads() {
        return List.copyOf(threads);
    }

    private boolean spawn() {
        try {
            Thread t = spawner.start(this, started.getAndIncrement());
            threads.add(t);
            return true;
        } catch (Throwable e) {
            log.error("cannot start a FUSE worker thread", e);
            if (alive.get() == 1) {
                // No worker would ever read the device: end as if the last one had.
                alive.decrementAndGet();
                onLastExit.run();
            }
            return false;
        }
    }
}
