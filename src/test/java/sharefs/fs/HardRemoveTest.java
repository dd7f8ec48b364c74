package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libfuse's hard_remove: an unlinked open file stays readable through its descriptor, and no
 * .fuse_hidden file appears. On libfuse2, whose option it is; the kernel engine keeps such a file
 * by its node (KernelViewFsTest, PosixParityTest.linkCounts).
 */
class HardRemoveTest {
    static final String A = "a@x.io";

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path mnt;
    static Path back;

    @BeforeAll
    static void mountA() throws IOException {
        env = new Mounts(tmp);
        mnt = env.soloMountLibfuse2(A, "tests", "a");
        back = env.backing(A, "tests");
    }

    @AfterAll
    static void unmount() {
        if (env != null) env.close();
    }

    private static List<String> backingNames() throws IOException {
        try (Stream<Path> s = Files.walk(back)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void unlinkedOpenFile_staysReadable_noFuseHidden() throws IOException {
        Files.writeString(back.resolve("victim"), "still here\n");
        int fd = Px.open(mnt.resolve("tests/victim"), O_RDONLY, 0);
        assertTrue(fd >= 0, "open: " + Px.name(-fd));
        try {
            assertEquals("ok", Px.name(Px.errno(Px.unlink(mnt.resolve("tests/victim")))));
            assertFalse(Files.exists(back.resolve("victim")), "unlink did not reach the backing dir");
            assertEquals(Px.ENOENT, Px.lstatErrno(mnt.resolve("tests/victim")));
            assertEquals("still here\n", Px.pread(fd));
            // (fstat is not asserted: the kernel sends it without the file handle, and libfuse 2's
            // path-based API has no name left to answer it with.)
            assertTrue(backingNames().stream().noneMatch(n -> n.startsWith(".fuse_hidden")), backingNames().toString());
            assertTrue(Px.list(mnt.resolve("tests")).stream().noneMatch(n -> n.startsWith(".fuse_hidden")));
        } finally {
            Px.close(fd);
        }
        assertTrue(backingNames().stream().noneMatch(n -> n.startsWith(".fuse_hidden")), backingNames().toString());
    }

    @Test
    void unlinkedFileOpenForWriting_keepsWorkingThroughItsDescriptor() throws IOException {
        int fd = Px.open(mnt.resolve("tests/scratch"), O_CREAT | O_RDWR, 0600);
        assertTrue(fd >= 0, "create: " + Px.name(-fd));
        try {
            assertEquals(5, Px.pwrite(fd, "first", 0));
            assertEquals("ok", Px.name(Px.errno(Px.unlink(mnt.resolve("tests/scratch")))));
            assertEquals(6, Px.pwrite(fd, "-again", 5));
            assertEquals("first-again", Px.pread(fd));
            assertTrue(backingNames().stream().noneMatch(n -> n.startsWith(".fuse_hidden") || n.equals("scratch")),
                    backingNames().toString());
        } finally {
            Px.close(fd);
        }
    }
}
