package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootFdTest {
    @TempDir Path dir;

    private static boolean isOpen(int fd) {
        return FileOps.fstat(fd, TestSupport.mem(StatBuf.SIZE)) == 0;
    }

    @Test
    void closeWaitsForInFlightUsers() {
        int fd = Native.libc().openat(Flags.AT_FDCWD, LibC.cstr(dir.toString()), Flags.O_PATH, 0);
        RootFd r = new RootFd(fd);
        assertTrue(r.acquire());
        r.close();
        assertFalse(r.acquire());
        assertTrue(isOpen(fd), "closed while in use");
        r.release();
        assertFalse(isOpen(fd));
        r.close();
    }

    @Test
    void closeWithoutUsersClosesAtOnce() {
        int fd = Native.libc().openat(Flags.AT_FDCWD, LibC.cstr(dir.toString()), Flags.O_PATH, 0);
        RootFd r = new RootFd(fd);
        assertTrue(r.acquire());
        r.release();
        assertTrue(isOpen(fd));
        r.close();
        assertFalse(isOpen(fd));
        assertEquals(fd, r.fd());
    }
}
