package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mountpoint a mount is made on: a descriptor reached from / without following any symlink. */
class MountPointFdTest {
    @TempDir
    Path tmp;

    @Test
    void aDirectoryReachedWithoutSymlinksIsOpened() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a/b/mnt"));
        int fd = MountPointFd.open(dir);
        try {
            assertTrue(fd >= 0);
            assertEquals(dir.toRealPath(), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)), "the descriptor is that directory");
        } finally {
            MountPointFd.close(fd);
        }
    }

    @Test
    void aSymlinkAnywhereOnThePathIsRefused() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real/mnt"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real.getParent());
        MountException e = assertThrows(MountException.class, () -> MountPointFd.open(link.resolve("mnt")));
        assertTrue(e.getMessage().contains("not a directory reached without symlinks"), e.getMessage());
        Path last = Files.createSymbolicLink(tmp.resolve("last"), real);
        assertThrows(MountException.class, () -> MountPointFd.open(last));
        Path file = Files.writeString(tmp.resolve("file"), "");
        assertThrows(MountException.class, () -> MountPointFd.open(file));
    }
}
