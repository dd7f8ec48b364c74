package sharefs.sharing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
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
        mark(folderId);
        move(home.folderDir(folderId), home.trashedFolderDir(folderId));
    }

    /** Moves the bytes back from the trash, leaving a mark likewise. */
    void fromTrash(String folderId) {
        mark(folderId);
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

    private void mark(String folderId) {
        Path dir = marks();
        try {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            Path m = dir.resolve(Home.checkedFolderId(folderId));
            if (!Files.exists(m, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createFile(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot mark the move of " + folderId + ": " + e.getMessage(), e);
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

    /** Removes a trashed folder's bytes for good. Never follows a symlink while walking. */
    void purge(String folderId) {
        Path dir = home.trashedFolderDir(folderId);
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) throw exc;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot purge " + dir + ": " + e.getMessage(), e);
        }
    }
}
