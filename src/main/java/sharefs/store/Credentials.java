package sharefs.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The embedded database's two passwords, random, in a root-only file beside it (db/credentials,
 * 0600): the administrator's, used only to migrate the schema and keep the application user, and
 * the application user's, which can read and change rows but cannot create aliases or touch files.
 * settled: read from db/credentials, which the database already holds; false while they are new
 * (credentials.new), until {@link #commit} once the database has taken them.
 */
record Credentials(String admin, String app, boolean settled) {
    static final String ADMIN_USER = "SA";
    static final String APP_USER = "SHAREFS_APP";

    /** The file's credentials; new ones (written first, moved into place) when there is none. */
    static Credentials loadOrCreate(Path dbDir) {
        Path file = dbDir.resolve("credentials");
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return read(file, true);
            Path pending = dbDir.resolve("credentials.new");
            // A crash between writing the pending file and the database taking its password leaves
            // the pending file: reuse it, so the password in the file and the database agree.
            return Files.exists(pending, LinkOption.NOFOLLOW_LINKS) ? read(pending, false) : write(pending, fresh());
        } catch (IOException e) {
            throw new StoreException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Moves credentials.new into place once the database holds its passwords. */
    static void commit(Path dbDir) {
        Path pending = dbDir.resolve("credentials.new");
        try {
            if (Files.exists(pending, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(pending, dbDir.resolve("credentials"), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new StoreException("cannot keep the database credentials in " + dbDir + ": " + e.getMessage(), e);
        }
    }

    private static Credentials fresh() {
        SecureRandom rnd = new SecureRandom();
        byte[] a = new byte[24];
        byte[] b = new byte[24];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        return new Credentials(HexFormat.of().formatHex(a), HexFormat.of().formatHex(b), false);
    }

    private static Credentials read(Path file, boolean settled) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        String admin = p.getProperty("admin");
        String app = p.getProperty("app");
        if (admin == null || app == null) throw new IOException("it lacks the admin or app password");
        return new Credentials(admin, app, settled);
    }

    private static Credentials write(Path file, Credentials c) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, "admin=" + c.admin + "\napp=" + c.app + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return c;
    }

    @Override
    public String toString() {
        return "Credentials[hidden]";
    }
}
