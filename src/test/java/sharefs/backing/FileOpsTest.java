package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.*;
import static sharefs.backing.Flags.*;
import static sharefs.backing.TestSupport.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpsTest {
    @TempDir Path dir;
    FolderRoot root;
    int fd = -1;

    @BeforeEach
    void setUp() throws IOException {
        root = FolderRoot.open(dir);
        fd = root.open("f", O_CREAT | O_RDWR, 0644);
        assertTrue(fd >= 0);
    }

    @AfterEach
    void tearDown() {
        if (fd >= 0) FileOps.close(fd);
        root.close();
    }

    @Test
    void preadPwriteAtOffsets() throws IOException {
        assertEquals(5, FileOps.pwrite(fd, bytes("hello"), 5, 0));
        assertEquals(5, FileOps.pwrite(fd, bytes("world"), 5, 10));
        assertEquals(15, Files.size(dir.resolve("f")));
        Pointer buf = mem(16);
        assertEquals(5, FileOps.pread(fd, buf, 5, 10));
        assertEquals("world", string(buf, 5));
        assertEquals(0, FileOps.pread(fd, buf, 16, 100));
        assertEquals(-EINVAL, FileOps.pread(fd, buf, 1, -1));
    }

    @Test
    void fstatFtruncateFallocateFsync() {
        Pointer st = mem(StatBuf.SIZE);
        assertEquals(0, FileOps.ftruncate(fd, 100));
        assertEquals(0, FileOps.fstat(fd, st));
        assertEquals(100, StatBuf.size(st));
        assertEquals(S_IFREG, type(StatBuf.mode(st)));
        assertEquals(0, FileOps.fallocate(fd, 0, 0, 4096));
        assertEquals(0, FileOps.fstat(fd, st));
        assertEquals(4096, StatBuf.size(st));
        assertEquals(0, FileOps.fsync(fd, false));
        assertEquals(0, FileOps.fsync(fd, true));
        assertEquals(-EINVAL, FileOps.ftruncate(fd, -1));
    }

    @Test
    void futimensAndFchmod() {
        Pointer st = mem(StatBuf.SIZE);
        assertEquals(0, FileOps.futimens(fd, new long[] {10, 0, 20, 30}));
        assertEquals(0, FileOps.fstat(fd, st));
        assertEquals(20, StatBuf.mtimeSec(st));
        assertEquals(30, StatBuf.mtimeNsec(st));
        assertEquals(0, FileOps.futimens(fd, null));
        assertEquals(-EINVAL, FileOps.futimens(fd, new long[3]));
        assertEquals(0, FileOps.fchmod(fd, 0600));
        assertEquals(0, FileOps.fstat(fd, st));
        assertEquals(S_IFREG | 0600, StatBuf.mode(st));
    }

    @Test
    void flockConflictsBetweenOpenFiles() {
        int other = root.open("f", O_RDONLY, 0);
        try {
            assertEquals(0, FileOps.flock(fd, LOCK_EX | LOCK_NB));
            assertEquals(-EAGAIN, FileOps.flock(other, LOCK_SH | LOCK_NB));
            assertEquals(0, FileOps.flock(fd, LOCK_UN));
            assertEquals(0, FileOps.flock(other, LOCK_SH | LOCK_NB));
        } finally {
            FileOps.close(other);
        }
    }

    @Test
    void badFdsGiveEbadf() {
        Pointer buf = mem(8);
        assertEquals(0, FileOps.close(fd));
        int closed = fd;
        fd = -1;
        assertEquals(-EBADF, FileOps.close(closed));
        assertEquals(-EBADF, FileOps.pread(-1, buf, 8, 0));
        assertEquals(-EBADF, FileOps.pwrite(-1, buf, 8, 0));
        assertEquals(-EBADF, FileOps.fstat(-1, buf));
    }
}
