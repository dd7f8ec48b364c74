package sharefs.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.store.StoreException;

/**
 * The node agent: one process per machine that serves every mount of the machine and is the
 * only process that opens the database. It takes CLI calls from root on a Unix socket in its run
 * directory, and keeps every mount's view current from inside (no mount polls a database).
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How long a starting agent waits for a one-shot CLI call to let go of the embedded database. */
    private static final long DB_WAIT_MILLIS = 30_000;
    /** The safety-net poll of the change counter; a write made through this agent is seen at once. */
    static final long POLL_MILLIS = 1_000;

    /** Runs one CLI call inside the agent (the cli package's picocli commands). */
    public interface Dispatcher {
        int dispatch(AgentRequest request, AgentCall call, Agent agent);
    }

    /**
     * How the agent runs. ownProcess: the agent is this process's whole job (`sharefs node`), so it
     * sets the process's umask to 077 and raises its descriptor limit (a test hosting an agent keeps
     * its own). storageReserve: bytes of the storage filesystem kept free for the database and logs
     * when they share it with storage/ (writes through mounts get ENOSPC below it).
     */
    public record Options(boolean ownProcess, long storageReserve, long pollMillis) {
        public static final long DEFAULT_RESERVE = 128L << 20;

        /** With the default poll of the change counter (the safety net under announcements). */
        public Options(boolean ownProcess, long storageReserve) {
            this(ownProcess, storageReserve, POLL_MILLIS);
        }
    }

    /** What `node status` reports about the agent itself. */
    public record Info(long pid, long residentBytes, Path home, String db, Path runDir, boolean databaseReachable,
                       long viewVersion, long descriptorLimit, boolean announced, String announcementsDown,
                       long announcedChanges, long changeLogReads) {
    }

    private final Home home;
    private final String dbUrlAsGiven;
    private final RunDir run;
    private final RunDir.Lock lock;
    private final Database db;
    private final MountService mounts;
    private final AgentServer server;
    private final long descriptorLimit;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Agent(Home home, String dbUrlAsGiven, RunDir run, RunDir.Lock lock, Database db, MountService mounts,
                  Dispatcher dispatcher, long descriptorLimit) {
        this.home = home;
        this.dbUrlAsGiven = dbUrlAsGiven;
        this.run = run;
        this.lock = lock;
        this.db = db;
        this.mounts = mounts;
        this.descriptorLimit = descriptorLimit;
        this.server = new AgentServer(run, (req, call) -> handle(req, call, dispatcher));
    }

    /**
     * Starts an agent: takes the run directory (refusing if another agent has it), checks the
     * home, opens the database, cleans up after a crashed predecessor, and listens. Returns once
     * it answers calls; throws with one clear line when it cannot start.
     *
     * @param dbUrlAsGiven the --db the agent was started with, or null for the embedded database
     */
    public static Agent start(Home home, String dbUrlAsGiven, RunDir run, Dispatcher dispatcher, Options options) {
        RunDir.Lock lock;
        try {
            run.prepare();
            lock = run.lock();
        } catch (IOException e) {
            throw new AgentException("cannot use the run directory " + run + ": " + e.getMessage());
        }
        if (lock == null) {
            long pid = run.lockHolderPid();
            throw new AgentException("a node agent already runs at " + run + (pid > 0 ? " (pid " + pid + ")" : ""));
        }
        Database db = null;
        try {
            // An agent that could mount nothing says so now, not at each user's first mount.
            Preflight.checkFuse();
            home.prepare();
            // Only an agent that will run changes its process: a refused start leaves it as it was.
            long fds = ProcessLimits.openFiles();
            StderrTap stderr = null;
            if (options.ownProcess()) {
                ProcessLimits.privateUmask();
                fds = ProcessLimits.raiseOpenFiles();
                stderr = StderrTap.install();
            }
            db = openDatabase(home, run);
            Sharing sharing = new Sharing(db, home);
            MountService mounts = new MountService(sharing, options.pollMillis(), fds,
                    StorageReserve.guard(home, options.storageReserve()));
            mounts.tellFailuresFrom(stderr);
            Agent agent = new Agent(home, dbUrlAsGiven, run, lock, db, mounts, dispatcher, fds);
            agent.recoverFromCrash();
            mounts.onMountsChanged(run::recordMounts);
            agent.server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "sharefs-agent-shutdown"));
            log.info("node agent {} serving {} at {} (database {}, up to {} descriptors)", ProcessHandle.current().pid(),
                    home.dir(), run.socket(), dbUrlAsGiven == null ? "embedded" : dbUrlAsGiven, fds);
            SdNotify.ready("serving " + home.dir());
            return agent;
        } catch (StoreException | sharefs.fs.MountException e) {
            closeQuietly(db);
            lock.close();
            throw new AgentException(e.getMessage());
        } catch (IOException | RuntimeException e) {
            closeQuietly(db);
            lock.close();
            throw new AgentException("cannot start the node agent: " + e.getMessage());
        }
    }

    /** Opens the database, waiting while a one-shot CLI call still holds the embedded file. */
    private static Database openDatabase(Home home, RunDir run) {
        long deadline = System.currentTimeMillis() + DB_WAIT_MILLIS;
        boolean said = false;
        while (true) {
            try {
                // Which machine's agent holds a connection, on a server many agents share.
                return Database.open(home, "sharefs agent " + NodeName.host() + ":" + run.dir());
            } catch (StoreException e) {
                if (!e.inUse() || System.currentTimeMillis() > deadline) throw e;
                if (!said) {
                    log.info("waiting for the database: another process holds it");
                    said = true;
                }
                sleep(50);
            }
        }
    }

    /**
     * The mounts a crashed agent of this run directory left: those whose connection is dead
     * (ENOTCONN) are detached; a live one (another process serves that path now) is left alone.
     */
    private void recoverFromCrash() {
        List<Path> left = run.recordedMounts();
        for (Path mp : left) {
            Optional<MountTable.Entry> e = MountTable.find(mp);
            if (e.isEmpty() || !MountTable.isSharefs(e.get())) continue;
            if (Preflight.isStale(mp)) {
                String err = Preflight.unmount(mp, true);
                if (err == null) log.info("cleaned up {}, left mounted by a previous agent", mp);
                else log.warn("cannot clean up {}, left mounted by a previous agent: {}", mp, err);
            } else {
                log.info("{} was the previous agent's and is served by someone else now; leaving it", mp);
            }
        }
        run.recordMounts(List.of());
    }

    private int handle(AgentRequest req, AgentCall call, Dispatcher dispatcher) {
        if (req.home() != null && !Path.of(req.home()).toAbsolutePath().normalize().equals(home.dir())) {
            call.err().println("sharefs: the node agent at " + run + " serves the home " + home.dir() + ", not " + req.home()
                    + " (give --run-dir of that home's agent, or call without --home)");
            return 1;
        }
        if (req.db() != null && !req.db().equals(dbUrlAsGiven)) {
            call.err().println("sharefs: the node agent at " + run + " uses the database "
                    + (dbUrlAsGiven == null ? "under " + home.dir() : dbUrlAsGiven) + ", not " + req.db());
            return 1;
        }
        return dispatcher.dispatch(req, call, this);
    }

    public MountService mounts() {
        return mounts;
    }

    public Sharing sharing() {
        return mounts.sharing();
    }

    public Home home() {
        return home;
    }

    public RunDir runDir() {
        return run;
    }

    /** The --db the agent was started with, or null for the embedded database. */
    public String dbUrlAsGiven() {
        return dbUrlAsGiven;
    }

    public long pid() {
        return ProcessHandle.current().pid();
    }

    public Info info() {
        return new Info(pid(), residentBytes(), home.dir(), dbUrlAsGiven, run.dir(),
                mounts.databaseReachable(), mounts.viewVersion(), descriptorLimit,
                mounts.sharing().db().dialect() == sharefs.store.Dialect.POSTGRESQL, mounts.announcementsDown(),
                mounts.announcedChanges(), mounts.changeLogReads());
    }

    /** VmRSS of this process. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // Unknown.
        }
        return -1;
    }

    /** Blocks until the agent has stopped. */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After the agent stopped: waits a little for calls still writing their answer (the `node
     * stop` that stopped it), so the process does not exit under them.
     */
    public void awaitCallsAnswered(long millis) {
        try {
            server.awaitIdle(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops: no more calls, every mount unmounted (lazily where files are still open), the
     * database closed, the socket and lock given up. Idempotent; also what SIGTERM does.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        SdNotify.stopping();
        try {
            server.close();
            int n = mounts.size();
            mounts.close();
            closeQuietly(db);
            log.info("node agent stopped ({} mount(s) unmounted)", n);
        } finally {
            lock.close();
            stopped.countDown();
        }
    }

    private static void closeQuietly(Database db) {
        try {
            if (db != null) db.close();
        } catch (RuntimeException e) {
            log.warn("closing the database: {}", e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while starting");
        }
    }

    /** The agent could not start or do what was asked; the message is one line for the operator. */
    public static final class AgentException extends RuntimeException {
        public AgentException(String message) {
            super(message);
        }
    }
}
