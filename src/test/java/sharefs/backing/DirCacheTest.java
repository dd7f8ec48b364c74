package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.ENOENT;
import static sharefs.backing.Flags.RENAME_NOREPLACE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory descriptors FolderRoot keeps for a moment: reused within a directory, dropped
 * by this root's own renames and rmdirs, and never in the way of a directory that someone
 * else removed and made again.
 */
class DirCacheTest {
    @TempDir Path dir;
    FolderRoot root;

    @BeforeEach
    void open() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        root = FolderRoot.open(dir);
    }

    @AfterEach
    void close() {
        root.close();
    }

    @Test
    void operationsInOneDirectoryShareOneDescriptor() {
        assertEquals(0, root.mkdir("a/b/one", 0755));
        assertEquals(0, root.mkdir("a/b/two", 0755));
        assertTrue(root.mode("a/b/one") >= 0);
        assertEquals(1, root.cachedDirs(), "only a/b was resolved, once");
        assertEquals(0, root.mkdir("top", 0755));
        assertEquals(1, root.cachedDirs(), "entries at the root need no descriptor");
    }

    @Test
    void ownRenameDropsTheDirectoryAndEverythingUnderIt() throws IOException {
        assertEquals(0, root.mkdir("a/b/c", 0755));
        assertEquals(0, root.mkdir("a/b/c/d", 0755));
        assertEquals(2, root.cachedDirs());
        assertEquals(0, root.rename("a", "moved", RENAME_NOREPLACE));
        assertEquals(0, root.cachedDirs());
        assertEquals(-ENOENT, root.mkdir("a/b/x", 0755), "the old name is gone, not reached through a cached fd");
        assertEquals(0, root.mkdir("moved/b/x", 0755));
        assertTrue(Files.isDirectory(dir.resolve("moved/b/x")));
    }

    @Test
    void ownRmdirDropsTheDirectory() {
        assertEquals(0, root.mkdir("a/b/c", 0755));
        assertEquals(0, root.mkdir("a/b/c/d", 0755));
        assertEquals(0, root.rmdir("a/b/c/d"));
        assertEquals(0, root.rmdir("a/b/c"));
        assertEquals(1, root.cachedDirs(), "a/b stays; a/b/c went with its rmdir");
        assertEquals(0, root.mkdir("a/b/c", 0755));
        assertEquals(0, root.mkdir("a/b/c/again", 0755));
    }

    @Test
    void aDirectoryRemovedAndMadeAgainElsewhereIsFoundAgain() throws IOException {
        assertEquals(0, root.mkdir("a/b/first", 0755));
        assertEquals(1, root.cachedDirs());
        // Another mount (here: the backing directory directly) replaces a/b while it is cached.
        Files.delete(dir.resolve("a/b/first"));
        Files.delete(dir.resolve("a/b"));
        Files.createDirectory(dir.resolve("a/b"));
        assertEquals(0, root.mkdir("a/b/second", 0755), "the cached fd named a removed directory: resolved again");
        assertTrue(Files.isDirectory(dir.resolve("a/b/second")));
        assertEquals(-ENOENT, root.mode("a/b/first"), "and a missing name is still missing");
    }

    @Test
    void entriesExpire() throws Exception {
        assertEquals(0, root.mkdir("a/b/first", 0755));
        Files.move(dir.resolve("a/b"), dir.resolve("a/elsewhere"));
        Files.createDirectory(dir.resolve("a/b"));
        Thread.sleep(DirCache.TTL_NANOS / 1_000_000 + 50);
        assertEquals(0, root.mkdir("a/b/later", 0755));
        assertTrue(Files.isDirectory(dir.resolve("a/b/later")), "after the TTL the name is resolved again");
        assertFalse(Files.exists(dir.resolve("a/elsewhere/later")));
    }

    @Test
    void closeReleasesEveryDescriptor() {
        assertEquals(0, root.mkdir("a/b/c", 0755));
        assertEquals(1, root.cachedDirs());
        root.close();
        assertEquals(0, root.cachedDirs());
        assertEquals(-Errno.EBADF, root.mkdir("a/b/d", 0755));
    }
}
