package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import sharefs.node.Agent;
import sharefs.node.AgentCall;
import sharefs.node.RunDir;
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;

/**
 * What one CLI invocation works with. Inside the node agent that is the agent's own database and
 * mounts; in a one-shot call (no agent running) the database is opened only when a command
 * needs it, and closed at the end.
 */
final class Context implements AutoCloseable {
    private final Home home;
    private final String jdbcUrl;
    private final RunDir runDir;
    private final String actor;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Path cwd;
    private final Agent agent;
    private final AgentCall call;
    /** --db-password-file as given, for an agent this call starts (it reads the file itself). */
    private final Path dbPasswordFile;
    private Database db;
    private Sharing sharing;

    private Context(Home home, String jdbcUrl, RunDir runDir, String actor, boolean json, PrintWriter out, PrintWriter err,
                    Path cwd, Agent agent, AgentCall call, Path dbPasswordFile) {
        this.dbPasswordFile = dbPasswordFile;
        this.home = home;
        this.jdbcUrl = jdbcUrl;
        this.runDir = runDir;
        this.actor = actor;
        this.json = json;
        this.out = out;
        this.err = err;
        this.cwd = cwd;
        this.agent = agent;
        this.call = call;
        if (agent != null) this.sharing = agent.sharing();
    }

    /** A call run in this process with no agent. */
    static Context local(Home home, String jdbcUrl, Path dbPasswordFile, RunDir runDir, String actor, boolean json,
                         PrintWriter out, PrintWriter err) {
        return new Context(home, jdbcUrl, runDir, actor, json, out, err, Path.of("").toAbsolutePath(), null, null, dbPasswordFile);
    }

    /** A call the node agent runs for a client whose working directory is cwd. */
    static Context inAgent(Agent agent, AgentCall call, Path cwd, String actor, boolean json) {
        return new Context(agent.home(), agent.dbUrlAsGiven(), agent.runDir(), actor, json, call.out(), call.err(), cwd, agent, call, null);
    }

    Home home() { return home; }
    String jdbcUrlOrNull() { return jdbcUrl; }
    Path dbPasswordFileOrNull() { return dbPasswordFile; }
    RunDir runDir() { return runDir; }
    boolean json() { return json; }
    PrintWriter out() { return out; }
    PrintWriter err() { return err; }

    /** The node agent this call runs in; null in a one-shot call. */
    Agent agent() { return agent; }

    /** The node agent, for a command that only it can answer (a one-shot call has none to ask). */
    Agent runningAgent() {
        if (agent == null) throw new IllegalStateException("no node agent runs at " + runDir);
        return agent;
    }

    /** The client's connection, for a command that stays attached; null in a one-shot call. */
    AgentCall call() { return call; }

    /** A path the user typed, made absolute against the caller's working directory. */
    Path resolve(Path p) {
        return cwd.resolve(p).toAbsolutePath().normalize();
    }

    /** The --as user, or null for the operator. */
    String actorOrNull() { return actor; }

    String actor() {
        if (actor == null) throw new MissingActorException();
        return actor;
    }

    Sharing sharing() {
        if (sharing == null) {
            home.prepare();
            db = Database.open(home);
            sharing = new Sharing(db, home);
        }
        return sharing;
    }

    void err(String line) {
        err.println(line);
        err.flush();
    }

    void print(Object jsonValue, String text) {
        out.println(json ? Json.write(jsonValue) : text);
        out.flush();
    }

    /** Closes a database this call opened itself; the agent's stays open. */
    @Override
    public void close() {
        if (db != null) db.close();
    }

    /** A command that acts for a user was run without --as. */
    static final class MissingActorException extends RuntimeException {
        MissingActorException() {
            super("this command acts for a user: give --as EMAIL");
        }
    }
}
