package sharefs.node;

import java.nio.file.Path;
import sharefs.store.Home;

/**
 * Where an agent's log is. agent.log for the embedded database (one machine). With a --db server
 * the home may be shared by the agents of many machines (their storage on NFS or CephFS), or of
 * simulated nodes on one machine: each agent then logs to a file of its own, named by host and,
 * for a run directory other than the default, by that directory.
 */
public final class AgentLog {
    private AgentLog() {
    }

    public static Path of(Home home, RunDir run) {
        return home.logs().resolve(name(home.embeddedDb(), run.dir()));
    }

    static String name(boolean embeddedDb, Path runDir) {
        if (embeddedDb) return "agent.log";
        String host = NodeName.host();
        Path run = runDir.toAbsolutePath().normalize();
        if (run.equals(RunDir.DEFAULT)) return "agent-" + host + ".log";
        return "agent-" + host + "-" + String.format("%08x", run.toString().hashCode()) + ".log";
    }
}
