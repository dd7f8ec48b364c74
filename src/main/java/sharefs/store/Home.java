package sharefs.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where one sharefs installation keeps its database and folder bytes. */
public final class Home {
    private final Path dir;
    private final String jdbcUrl;

    public Home(Path dir, String jdbcUrl) {
        this.dir = dir.toAbsolutePath().normalize();
        this.jdbcUrl = jdbcUrl != null ? jdbcUrl : defaultUrl(this.dir);
    }

    /** --home, else $SHAREFS_HOME, else ~/.local/share/sharefs. */
    public static Path resolveDir(Path explicit, Map<String, String> env) {
        if (explicit != null) return explicit;
        String fromEnv = env.get("SHAREFS_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        return Path.of(System.getProperty("user.home"), ".local", "share", "sharefs");
    }

    /** AUTO_SERVER lets the CLI and every running mount (other JVMs) share one file safely. */
    static String defaultUrl(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("db").resolve("sharefs")
                + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";
    }

    public Path dir() { return dir; }
    public String jdbcUrl() { return jdbcUrl; }
    public Path storage() { return dir.resolve("storage"); }
    public Path trash() { return storage().resolve(".trash"); }
    public Path logs() { return dir.resolve("logs"); }

    public Path folderDir(String folderId) { return storage().resolve(folderId); }
    public Path trashedFolderDir(String folderId) { return trash().resolve(folderId); }

    public void ensureLayout() throws java.io.IOException {
        Files.createDirectories(storage());
        Files.createDirectories(trash());
    }
}
