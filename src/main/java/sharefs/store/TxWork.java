package sharefs.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The body of one transaction. */
@FunctionalInterface
public interface TxWork<T> {
    T run(Connection c) throws SQLException;
}
