package sharefs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @Test
    void schemaVersionConstantIsTheNewestMigration() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            String newest = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .max(Comparator.comparingInt(Integer::parseInt)).orElseThrow();
            assertEquals(newest, Database.SCHEMA_VERSION);
        }
    }

    @Test
    void migratesANewDatabaseAndReopensWithoutMigrating(@TempDir Path dir) {
        Home home = new Home(dir, null);
        home.prepare();
        try (Database db = Database.open(home)) {
            long before = db.changeCounter();
            db.write(c -> null);
            assertEquals(before + 1, db.changeCounter());
        }
        try (Database db = Database.open(home)) {
            assertTrue(db.changeCounter() >= 1, "data survives a reopen");
        }
    }

    @Test
    void theApplicationUserCannotCreateAliasesRunScriptsOrTouchFiles(@TempDir Path dir) throws IOException {
        Home home = new Home(dir.resolve("home"), null);
        home.prepare();
        Path out = dir.resolve("out");
        List<String> attacks = List.of(
                "CREATE ALIAS EXEC FOR 'java.lang.Runtime.getRuntime'",
                "CALL CSVWRITE('" + out + ".csv', 'SELECT 1')",
                "RUNSCRIPT FROM '" + out + ".sql'",
                "SCRIPT TO '" + out + ".dump'",
                "SELECT FILE_READ('/etc/hostname')",
                "SELECT FILE_WRITE('x', '" + out + ".file')",
                "CREATE USER EVIL PASSWORD 'x' ADMIN",
                "ALTER USER SHAREFS_APP ADMIN TRUE",
                "CREATE TABLE EVIL (x INT)",
                "DROP TABLE audit");
        try (Database db = Database.open(home)) {
            for (String sql : attacks) {
                StoreException e = assertThrows(StoreException.class, () -> db.read(c -> c.createStatement().execute(sql)), sql);
                assertTrue(e.getMessage().contains("rights") || e.getMessage().contains("not allowed")
                        || e.getMessage().contains("Admin"), sql + ": " + e.getMessage());
            }
            assertEquals("0", db.read(c -> {
                try (var rs = c.createStatement().executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }), "commits are written before they return");
            // ... while reading and changing rows works.
            db.write(c -> c.createStatement().executeUpdate("INSERT INTO users (email, created_at) VALUES ('a@x.io', CURRENT_TIMESTAMP)"));
        }
        for (String suffix : List.of(".csv", ".dump", ".file")) assertFalse(Files.exists(Path.of(out + suffix)), suffix);
        for (Path f : List.of(home.db().resolve("credentials"), home.db().resolve("sharefs.mv.db"))) {
            assertEquals(0600, (Integer) Files.getAttribute(f, "unix:mode") & 0777, f.toString());
        }
    }

    @Test
    void aDatabaseMadeBeforePasswordsGetsThemOnItsFirstOpen(@TempDir Path dir) throws SQLException {
        Home home = new Home(dir.resolve("home"), null);
        home.prepare();
        String url = home.jdbcUrl();
        // As every earlier version left it: schema version 1, administrator SA with an empty password.
        org.flywaydb.core.Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration")
                .target("1").load().migrate();
        try (Database db = Database.open(home)) {
            db.write(c -> null);
        }
        assertTrue(Files.exists(home.db().resolve("credentials")));
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close(),
                "the empty administrator password is gone");
        try (Database db = Database.open(home)) {
            assertTrue(db.changeCounter() >= 1, "it opens again with the kept passwords");
        }
    }
    /**
     * A database made before the schema was portable (migrations 1 and 2 as they shipped, kept
     * under test resources, with H2's generated pending_key) is converted on its next open: the
     * pending invitation it holds still blocks a second one, a decided one frees the key, and
     * the history validates against today's migrations.
     */
    @Test
    void aDatabaseMadeBeforeThePortableSchemaIsConvertedOnOpen(@TempDir Path dir) throws SQLException {
        Home home = new Home(dir.resolve("home"), null);
        home.prepare();
        String url = home.jdbcUrl();
        try (java.sql.Connection c = DriverManager.getConnection(url, "sa", "")) {
            org.flywaydb.core.Flyway.configure()
                    .dataSource(url, "sa", "")
                    .locations("classpath:legacy-schema")
                    .load()
                    .migrate();
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO users (email, created_at) VALUES ('a@x.io', NOW()), ('b@x.io', NOW())");
                st.execute("INSERT INTO folders (id, name, owner_user_id, usage_mode, state, created_at)"
                        + " VALUES ('00000000-0000-4000-8000-000000000001', 'f', 1, 'general', 'active', NOW())");
                st.execute("INSERT INTO invitations (folder_id, inviter_id, invitee_id, perm, state, created_at)"
                        + " VALUES ('00000000-0000-4000-8000-000000000001', 1, 2, 'view', 'pending', NOW())");
            }
        }
        try (Database db = Database.open(home)) {
            String key = db.read(c -> Jdbc.one(c, "SELECT pending_key FROM invitations", rs -> rs.getString(1)).orElseThrow());
            assertEquals("00000000-0000-4000-8000-000000000001:2", key, "the pending key survives the conversion");
            StoreException twice = assertThrows(StoreException.class, () -> db.write(c -> Jdbc.update(c,
                    "INSERT INTO invitations (folder_id, inviter_id, invitee_id, perm, state, created_at, pending_key)"
                            + " VALUES ('00000000-0000-4000-8000-000000000001', 1, 2, 'edit', 'pending', ?, ?)",
                    Jdbc.now(), key)));
            assertTrue(Jdbc.isDuplicateKey((SQLException) twice.getCause()), "a second pending invitation: " + twice);
            StoreException keyKept = assertThrows(StoreException.class, () -> db.write(c -> Jdbc.update(c,
                    "UPDATE invitations SET state = 'accepted'")));
            assertEquals("23513", ((SQLException) keyKept.getCause()).getSQLState(),
                    "a decided invitation must drop its pending key: " + keyKept);
        }
        try (Database db = Database.open(home)) {
            assertTrue(db.changeCounter() >= 0, "reopens without converting again");
        }
    }
}
