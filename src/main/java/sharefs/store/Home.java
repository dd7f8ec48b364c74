package sharefs.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where one sharefs installation keeps its database and folder bytes. Everything under it is the
 * control plane's alone: the directories are made 0700 and a home that anyone else could read or
 * write is refused, since it holds every folder's bytes, the database and its password.
 */
public final class Home {
    /** The only shape a folder id may have before it becomes a path: a lowercase UUID, one component. */
    private static final Pattern FOLDER_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final String jdbcUrl;
    private final String dbPassword;

    public Home(Path dir, String jdbcUrl) {
        this(dir, jdbcUrl, null);
    }

    /** dbPassword: for a --db server (never on a command line); null for the embedded database. */
    public Home(Path dir, String jdbcUrl, String dbPassword) {
        this.dir = dir.toAbsolutePath().normalize();
        this.jdbcUrl = jdbcUrl != null ? jdbcUrl : defaultUrl(this.dir);
        this.dbPassword = dbPassword;
    }

    /** --home, else $SHAREFS_HOME, else ~/.local/share/sharefs. */
    public static Path resolveDir(Path explicit, Map<String, String> env) {
        if (explicit != null) return explicit;
        String fromEnv = env.get("SHAREFS_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        return Path.of(System.getProperty("user.home"), ".local", "share", "sharefs");
    }

    /**
     * The embedded H2 file. No AUTO_SERVER: only the node agent (or a one-shot CLI call when no
     * agent runs) opens it, so nothing listens on any port.
     */
    static String defaultUrl(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("db").resolve("sharefs") + ";LOCK_TIMEOUT=10000";
    }

    public Path dir() { return dir; }
    public String jdbcUrl() { return jdbcUrl; }
    String dbPassword() { return dbPassword; }
    /** Whether the database is the H2 file under this home (not a --db server). */
    public boolean embeddedDb() { return jdbcUrl.equals(defaultUrl(dir)); }
    public Path db() { return dir.resolve("db"); }
    public Path storage() { return dir.resolve("storage"); }
    public Path trash() { return storage().resolve(".trash"); }
    public Path logs() { return dir.resolve("logs"); }

    public Path folderDir(String folderId) { return storage().resolve(checkedFolderId(folderId)); }
    public Path trashedFolderDir(String folderId) { return trash().resolve(checkedFolderId(folderId)); }

    public static boolean isFolderId(String id) {
        return id != null && FOLDER_ID.matcher(id).matches();
    }

    /**
     * A folder id from the database, refused unless it is a UUID: a row whose id were
     * "../../etc" must never become a path the root daemon serves or writes.
     */
    public static String checkedFolderId(String id) {
        if (!isFolderId(id)) throw new StoreException("refusing folder id '" + printable(id) + "': not a UUID", null);
        return id;
    }

    /**
     * Creates the layout (0700 directories) and refuses, with the fix in the message, a home (or
     * its db/, storage/, logs/) that is a symlink, is not owned by this process's user, or that
     * others can read, write or enter.
     */
    public void prepare() {
        try {
            makePrivateDir(dir);
            // Judge an existing home before making anything in it: a refused home stays as it was.
            check(dir);
            for (Path d : new Path[] {db(), storage(), trash(), logs()}) makePrivateDir(d);
        } catch (IOException e) {
            throw new StoreException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        for (Path d : new Path[] {db(), storage(), logs()}) check(d);
    }

    private static void makePrivateDir(Path d) throws IOException {
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // Made meanwhile by a concurrent call; prepare() judges it next.
        } catch (java.nio.file.NoSuchFileException parentMissing) {
            // The home's own parents are the operator's: made as usual (umask), the home itself 0700.
            Files.createDirectories(d.getParent());
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        }
    }

    private void check(Path d) {
        long me = ProcessIds.euid();
        try {
            if (Files.isSymbolicLink(d)) {
                throw new StoreException("refusing home " + dir + ": " + d + " is a symlink", null);
            }
            int uid = (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(d, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (uid != me) {
                throw new StoreException("refusing home " + dir + ": " + d + " belongs to uid " + uid
                        + ", not to uid " + me + " that runs sharefs (chown -R " + me + " " + dir + ")", null);
            }
            if ((mode & 077) != 0) {
                throw new StoreException(String.format("refusing home %s: %s is open to others (mode %04o);"
                        + " it holds every folder's bytes and the database: chmod 700 %s", dir, d, mode & 07777, d), null);
            }
        } catch (IOException e) {
            throw new StoreException("cannot check " + d + ": " + e.getMessage(), e);
        }
    }

    static String printable(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
