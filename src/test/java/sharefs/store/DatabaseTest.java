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
}
