package sharefs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
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
        String url = new Home(dir, null).jdbcUrl();
        try (Database db = Database.open(url)) {
            long before = db.changeCounter();
            db.write(c -> null);
            assertEquals(before + 1, db.changeCounter());
        }
        try (Database db = Database.open(url)) {
            assertTrue(db.changeCounter() >= 1, "data survives a reopen");
        }
    }
}
