package sharefs.node;

import java.util.List;

/**
 * One CLI call sent to the agent. home and db are what the caller named explicitly (--home or
 * $SHAREFS_HOME, --db), absolute; null when it named none and the agent's own apply.
 */
public record AgentRequest(List<String> argv, String cwd, String home, String db) {
    public AgentRequest {
        argv = List.copyOf(argv);
    }
}
