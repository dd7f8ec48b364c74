package sharefs.node;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.sharing.Changes;
import sharefs.sharing.Changes.Since;
import sharefs.sharing.Sharing;

/**
 * Brings every live mount of the agent up to date with the database. A committed write pokes it
 * at once (the agent is the only writer of an embedded database); a slow poll of the change
 * counter is the safety net for writers it cannot hear (another machine's agent on a shared
 * database). Each change costs one read of the change log, and only the mounts of the users it
 * touched reload. While the database cannot be read every mount keeps its last snapshot (never
 * wider), and the watcher retries with backoff.
 */
final class ChangeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private static final Duration KEEP = Duration.ofHours(1);

    /** What the watcher drives: the agent's mounts. */
    interface Target {
        /** Reloads the views of these users' mounts; false if any reload failed. */
        boolean reloadUsers(Set<Long> users);

        /** Reloads every mount; false if any reload failed. */
        boolean reloadAll();
    }

    private final Changes changes;
    private final Target target;
    private final long pollMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private final Thread thread;
    private boolean pending;
    private volatile boolean closed;
    private volatile boolean failing;
    private volatile long seen;
    private long lastPrune = System.nanoTime();

    ChangeWatcher(Sharing sharing, Target target, long pollMillis) {
        this.changes = sharing.changes();
        this.target = target;
        this.pollMillis = pollMillis;
        this.seen = sharing.db().changeCounter();
        this.thread = new Thread(this::run, "sharefs-change-watcher");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A write committed (or may have): look now rather than at the next poll. */
    void poke() {
        lock.lock();
        try {
            pending = true;
            poked.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The change counter this agent's mounts are current with. */
    long seen() {
        return seen;
    }

    /** Whether the last look at the database failed (the mounts serve their last snapshot). */
    boolean failing() {
        return failing;
    }

    private void run() {
        long backoff = 0;
        while (!closed) {
            awaitPoke(backoff > 0 ? backoff : pollMillis);
            if (closed) return;
            try {
                check();
                backoff = 0;
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    log.warn("cannot read the database; every mount serves its last snapshot (never more) until it returns: {}",
                            e.toString());
                }
                backoff = Math.min(2_000, backoff == 0 ? 100 : backoff * 2);
            }
        }
    }

    private void awaitPoke(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && !closed && nanos > 0) nanos = poked.awaitNanos(nanos);
            pending = false;
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** One look: what changed since the last one, and the reloads it calls for. */
    void check() {
        Since s = changes.since(seen);
        boolean recovered = failing;
        boolean ok;
        if (recovered) {
            // Announcements may have been missed while the database was away: trust no log, reload all.
            ok = target.reloadAll();
        } else if (s.counter() == seen) {
            ok = true;
        } else if (s.everyone()) {
            ok = target.reloadAll();
        } else {
            ok = s.users().isEmpty() || target.reloadUsers(s.users());
        }
        if (!ok) throw new IllegalStateException("a view could not be reloaded");
        seen = s.counter();
        if (recovered) {
            failing = false;
            log.info("database reachable again; every mount is current (version {})", s.counter());
        }
        if (System.nanoTime() - lastPrune > PRUNE_EVERY.toNanos()) {
            lastPrune = System.nanoTime();
            int n = changes.prune(KEEP);
            if (n > 0) log.debug("pruned {} change log rows", n);
        }
    }

    @Override
    public void close() {
        closed = true;
        poke();
    }
}
