package sharefs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/** Inside a write, just before it commits: the users whose views the write may have changed. */
@FunctionalInterface
public interface Announcer {
    Set<Long> touched(Connection c, long version) throws SQLException;
}
