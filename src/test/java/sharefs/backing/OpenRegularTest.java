package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.ELOOP;
import static sharefs.backing.Errno.ENOENT;
import static sharefs.backing.Errno.ESTALE;
import static sharefs.backing.Flags.F_GETFL;
import static sharefs.backing.Flags.O_APPEND;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_NONBLOCK;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_TRUNC;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.backing.Flags.S_IFIFO;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openRegular opens regular files as open would, and answers anything else with ESTALE without waiting. */
class OpenRegularTest {
    static final Duration PROMPTLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    FolderRoot root;

    @BeforeEach
    void setUp() throws IOException {
        root = FolderRoot.open(dir);
        Files.writeString(dir.resolve("file"), "content");
        assertEquals(0, root.mknod("fifo", S_IFIFO | 0644, 0));
    }

    @AfterEach
    void tearDown() throws IOException {
        // Both ends at once: wakes whatever might still wait to open the FIFO.
        int fd = Native.libc().openat(Flags.AT_FDCWD, LibC.cstr(dir.resolve("fifo").toString()), O_RDWR | O_NONBLOCK | Flags.O_CLOEXEC, 0);
        if (fd >= 0) FileOps.close(fd);
        root.close();
        TestSupport.removeSymlinks(dir);
    }

    private static int statusFlags(int fd) {
        int fl = Native.libc().fcntl(fd, F_GETFL, 0);
        assertTrue(fl >= 0);
        return fl;
    }

    @Test
    void fifo_isESTALE_atOnce_forEveryAccessMode_andForCreate() {
        for (int flags : new int[] {O_RDONLY, O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC, O_CREAT | O_WRONLY, O_CREAT | O_RDONLY}) {
            assertEquals(-ESTALE, (int) assertTimeoutPreemptively(PROMPTLY, () -> root.openRegular("fifo", flags, 0644)),
                    "flags 0" + Integer.toOctalString(flags));
        }
    }

    @Test
    void directory_isESTALE_symlink_isELOOP_missing_isENOENT() throws IOException {
        Files.createDirectory(dir.resolve("dir"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("file"));
        assertEquals(-ESTALE, root.openRegular("dir", O_RDONLY, 0));
        assertEquals(-ELOOP, root.openRegular("link", O_RDONLY, 0));
        assertEquals(-ENOENT, root.openRegular("missing", O_RDONLY, 0));
    }

    @Test
    void regularFile_O_NONBLOCKCleared_otherFlagsKept_unlessAskedFor() {
        int fd = root.openRegular("file", O_WRONLY | O_APPEND, 0);
        assertTrue(fd >= 0);
        try {
            assertEquals(O_APPEND, statusFlags(fd) & (O_APPEND | O_NONBLOCK));
        } finally {
            FileOps.close(fd);
        }
        fd = root.openRegular("file", O_RDONLY | O_NONBLOCK, 0);
        assertTrue(fd >= 0);
        try {
            assertEquals(O_NONBLOCK, statusFlags(fd) & O_NONBLOCK);
            assertEquals("content", TestSupport.readAll(fd));
        } finally {
            FileOps.close(fd);
        }
        fd = root.openRegular("new", O_CREAT | O_RDWR, 0600);
        assertTrue(fd >= 0);
        try {
            assertEquals(0, statusFlags(fd) & O_NONBLOCK);
            assertTrue(Files.isRegularFile(dir.resolve("new")));
        } finally {
            FileOps.close(fd);
        }
    }
}
