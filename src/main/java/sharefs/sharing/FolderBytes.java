package sharefs.sharing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import sharefs.backing.TreeRemover;
import sharefs.store.Home;

/** The bytes of folders under storage/: created, moved to and from trash, purged. */
final class FolderBytes {
    private final Home home;

    FolderBytes(Home home) {
        this.home = home;
    }

    Path dir(String folderId) {
        return home.folderDir(folderId);
    }

    void create(String folderId) {
        try {
            home.prepare();
            Path dir = home.folderDir(folderId);
            Files.createDirectory(dir);
            // As a home directory looks, whatever the creating process's umask: the folder's top is
            // what `ls -l ~` shows in a session, and only the control plane reaches storage/ anyway.
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder's directory: " + e.getMessage(), e);
        }
    }

    /** Undo of create when the database refused. */
    void removeEmpty(String folderId) {
        try {
            Files.deleteIfExists(home.folderDir(folderId));
        } catch (IOException ignored) {
            // Left behind empty; harmless and visible.
        }
    }

    /** Moves the bytes to the trash, leaving a mark until {@link #align} sees the move's outcome. */
    void toTrash(String folderId) {
        mark(marks(), folderId);
        move(home.folderDir(folderId), home.trashedFolderDir(folderId));
    }

    /** Moves the bytes back from the trash, leaving a mark likewise. */
    void fromTrash(String folderId) {
        mark(marks(), folderId);
        move(home.trashedFolderDir(folderId), home.folderDir(folderId));
    }

    /**
     * Puts a folder's bytes where its committed state says (active: storage/, trashed: the trash;
     * anything else, or no row: left where they are) and drops its mark.
     */
    void align(String folderId, String state) {
        if ("active".equals(state)) move(home.trashedFolderDir(folderId), home.folderDir(folderId));
        else if ("trashed".equals(state)) move(home.folderDir(folderId), home.trashedFolderDir(folderId));
        try {
            Files.deleteIfExists(marks().resolve(Home.checkedFolderId(folderId)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot drop the move mark of " + folderId + ": " + e.getMessage(), e);
        }
    }

    /** The folders whose bytes were moved by a transaction that may not have ended. */
    List<String> marked() {
        Path dir = marks();
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return List.of();
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String id = p.getFileName().toString();
                if (Home.isFolderId(id)) out.add(id);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Where the marks are: storage/.moving, beside the trash and as private as it. */
    private Path marks() {
        return home.storage().resolve(".moving");
    }

    /** Where the marks of purges are: storage/.purging, likewise. */
    private Path purgeMarks() {
        return home.storage().resolve(".purging");
    }

    /**
     * Marks the start of a purge of a trashed folder's bytes; {@link #purgeMarked} says so until
     * {@link #unmarkPurge}. A purge cut short (a crash) leaves the mark: its bytes are partly gone.
     */
    void markPurge(String folderId) {
        mark(purgeMarks(), folderId);
    }

    boolean purgeMarked(String folderId) {
        return Files.exists(purgeMarks().resolve(Home.checkedFolderId(folderId)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    void unmarkPurge(String folderId) {
        try {
            Files.deleteIfExists(purgeMarks().resolve(Home.checkedFolderId(folderId)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot drop the purge mark of " + folderId + ": " + e.getMessage(), e);
        }
    }

    private void mark(Path dir, String folderId) {
        try {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            Path m = dir.resolve(Home.checkedFolderId(folderId));
            if (!Files.exists(m, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createFile(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot mark " + folderId + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void move(Path from, Path to) {
        try {
            home.prepare();
            if (!Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return; // already moved
                Files.createDirectory(to);
                return;
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes a trashed folder's bytes for good, one descriptor-relative call at a time (any depth,
     * any names, no symlink followed, no other filesystem entered: see TreeRemover). Throws
     * IllegalStateException with one line naming what could not be removed; the rest stays.
     */
    void purge(String folderId) {
        String id = Home.checkedFolderId(folderId);
        if (!Files.exists(home.trash(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            TreeRemover.remove(home.trash(), id);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
