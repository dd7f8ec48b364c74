package sharefs.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an embedded database made before the schema became portable into line with it. Its
 * invitations.pending_key was an H2 generated column (a syntax PostgreSQL does not share); the
 * portable schema writes it from the application and checks it with a constraint. Only that
 * column differs, so the conversion is two statements, after which the migration history is
 * realigned with the rewritten first migration.
 */
final class LegacySchema {
    private static final Logger log = LoggerFactory.getLogger(LegacySchema.class);

    private LegacySchema() {
    }

    /** An H2 database's: true if it was converted (its migration history then needs realigning). */
    static boolean upgrade(DataSource pool) {
        try (Connection c = pool.getConnection()) {
            if (!generatedPendingKey(c)) return false;
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE invitations ALTER COLUMN pending_key DROP EXPRESSION");
                st.execute("ALTER TABLE invitations ADD CONSTRAINT invitations_pending_key CHECK ((state = 'pending'"
                        + " AND pending_key IS NOT NULL AND pending_key = folder_id || ':' || CAST(invitee_id AS VARCHAR(20)))"
                        + " OR (state <> 'pending' AND pending_key IS NULL))");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            log.info("converted invitations.pending_key from a generated column to a checked one (portable schema)");
            return true;
        } catch (SQLException e) {
            throw new StoreException("cannot convert the database to the portable schema: " + e.getMessage(), e);
        }
    }

    private static boolean generatedPendingKey(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT IS_GENERATED FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_NAME = 'INVITATIONS' AND COLUMN_NAME = 'PENDING_KEY'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && "ALWAYS".equalsIgnoreCase(rs.getString(1));
        }
    }
}
