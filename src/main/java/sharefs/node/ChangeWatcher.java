package sharefs.node;

import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.sharing.Changes;
import sharefs.sharing.Changes.Since;
import sharefs.sharing.Sharing;
import sharefs.store.Change;
import sharefs.store.ChangeFeed;

/**
 * Brings every live mount of the agent up to date with the database.
 *
 * <p>Every committed write is announced with the users it touched: by this process's own commit
 * (any database), and by the database to every agent (PostgreSQL's NOTIFY). An announcement that
 * follows the last one seen reloads the mounts of those users and costs no query at all. Anything
 * else (a gap, an announcement too big to carry its users, the slow poll of the change counter
 * finding it moved) reads the change log once. After the database's announcements were lost (the
 * listener's connection broke) every mount re-reads its view, since what was missed is unknown.
 * While the database cannot be read every mount keeps its last snapshot (never wider), and the
 * watcher retries with backoff.
 */
final class ChangeWatcher implements AutoCloseable, ChangeFeed {
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
    private final Queue<Change> announced = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private final Thread thread;
    private final AtomicLong fastReloads = new AtomicLong();
    private final AtomicLong logReads = new AtomicLong();
    private boolean pending;
    private volatile boolean closed;
    private volatile boolean failing;
    private volatile long seen;
    /** The database's announcements were lost and are flowing again: re-read every view. */
    private volatile boolean resync;
    /** Why announcements are not flowing, or null while they are (or where there are none). */
    private volatile String listenerDown;
    private volatile boolean listenerEverUp;
    /** Something calls for a read of the change log before the poll is due. */
    private volatile boolean lookRequested;
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

    /** This process committed a write, or the database announced one; null: unknown, look. */
    @Override
    public void changed(Change change) {
        if (change != null) announced.add(change);
        else lookRequested = true;
        poke();
    }

    /** The listener's connection broke: look now, so an outage shows at once (and is retried with backoff). */
    @Override
    public void lost(String why) {
        listenerDown = why;
        lookRequested = true;
        poke();
    }

    @Override
    public void resumed() {
        listenerDown = null;
        // The first connection only has to catch up from the counter read at start; a reconnect
        // missed an unknown set of announcements.
        if (listenerEverUp) resync = true;
        listenerEverUp = true;
        lookRequested = true;
        poke();
    }

    /** The change counter this agent's mounts are current with. */
    long seen() {
        return seen;
    }

    /** Whether the last look at the database failed (the mounts serve their last snapshot). */
    boolean failing() {
        return failing;
    }

    /** Why the database's announcements are not heard right now, or null. */
    String listenerDown() {
        return listenerDown;
    }

    /** Changes applied straight from their announcement, and reads of the change log (a measure of queries per change). */
    long fastReloads() {
        return fastReloads.get();
    }

    long logReads() {
        return logReads.get();
    }

    private void run() {
        long backoff = 0;
        while (!closed) {
            boolean pokedNow = awaitPoke(backoff > 0 ? backoff : pollMillis);
            if (closed) return;
            try {
                step(!pokedNow);
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

    /** Waits for a poke or the timeout; true if poked. */
    private boolean awaitPoke(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && !closed && nanos > 0) nanos = poked.awaitNanos(nanos);
            boolean was = pending;
            pending = false;
            return was;
        } catch (InterruptedException e) {
            closed = true;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Applies what was announced; reads the change log when that is not enough or the poll is due. */
    void step(boolean pollDue) {
        boolean look = pollDue || failing || resync || lookRequested;
        lookRequested = false;
        Change ch;
        while ((ch = announced.poll()) != null) {
            if (ch.version() <= seen) continue;
            if (!look && ch.users() != null && ch.version() == seen + 1) {
                if (!ch.users().isEmpty() && !target.reloadUsers(ch.users())) {
                    throw new IllegalStateException("a view could not be reloaded");
                }
                seen = ch.version();
                fastReloads.incrementAndGet();
            } else {
                look = true;
            }
        }
        if (look) check();
    }

    /** One look: what changed since the last one, and the reloads it calls for. */
    void check() {
        Since s = changes.since(seen);
        logReads.incrementAndGet();
        boolean recovered = failing;
        boolean everything = recovered || resync;
        resync = false;
        boolean ok;
        if (everything) {
            // Announcements may have been missed while the database was away: trust no log, reload all.
            ok = target.reloadAll();
        } else if (s.counter() == seen) {
            ok = true;
        } else if (s.everyone()) {
            ok = target.reloadAll();
        } else {
            ok = s.users().isEmpty() || target.reloadUsers(s.users());
        }
        if (!ok) {
            if (everything) resync = true;
            throw new IllegalStateException("a view could not be reloaded");
        }
        if (s.counter() > seen) seen = s.counter();
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
